"""Permission rules shared by the admins of every app."""

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
