from django.contrib import admin

from carbonexia.common.admin import ReadOnlyAdminMixin

from .models import Upload


@admin.register(Upload)
class UploadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Uploads are evidence: verifiers read them, nobody edits them here."""

    list_display = ["filename", "kind", "building", "station", "status", "rows", "sha256", "uploaded_by", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["filename", "sha256", "building__name"]
    readonly_fields = [field.name for field in Upload._meta.fields]
