"""Admin inlines whose rows follow the row they belong to."""


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
