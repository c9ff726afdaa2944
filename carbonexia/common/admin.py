class ReadOnlyAdminMixin:
    """For a model admin or inline whose records change only through their service (one write path):
    verifiers and admins may look, nobody adds, changes or deletes here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
