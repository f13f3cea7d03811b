"""Permission rules, and a safer autocomplete widget, shared by the admins of every app."""

from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError

from .roles import is_editor


class ReadOnlyAdminMixin:
    """Records nobody adds, edits or deletes by hand: audit rows, reports, derived lists.

    Changes go through the admin's actions (the state-change functions), never the form. Works
    on ModelAdmin and on inlines (whose permission methods also receive the parent ``obj``).
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EditorsOnlyMixin:
    """Lists only editors see (the site's operations and the editorial queues)."""

    def has_module_permission(self, request):
        return is_editor(request.user)

    def has_view_permission(self, request, obj=None):
        return is_editor(request.user)


class FollowsParentPermissionsMixin:
    """Rows may be added, changed or deleted exactly where their parent may be edited.

    The inline defines ``may_edit_parent(request, obj)``; ``obj`` is None on an add page.
    """

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self.may_edit_parent(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.may_edit_parent(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.may_edit_parent(request, obj)


class IdCheckingAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete select, which looks up the posted value to show it again; a value
    that is not an id at all (``author=abc``, or a number beyond the column's range) made that
    lookup a 500 instead of the field's own "Select a valid choice" error. Such values are left
    out of the lookup."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if self.is_id(v)], attr)

    def is_id(self, value):
        try:
            # The column's checks, its range among them (SQLite fails on a number beyond it).
            self.field.target_field.clean(value, None)
        except ValidationError:
            return False
        return True


class AutocompleteIdsMixin:
    """For a ModelAdmin or inline with ``autocomplete_fields``: uses the widget above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = IdCheckingAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
