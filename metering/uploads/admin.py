from django.contrib import admin

from carbonexia.common.admin import ReadOnlyAdminMixin, instant_column, shown_fields

from .models import Upload


def upload_zone(upload: Upload) -> str | None:
    """A building's file in the building's zone, a station's temperatures in the station's."""
    owner = upload.building or upload.station
    return owner.timezone if owner else None


@admin.register(Upload)
class UploadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Uploads are evidence: verifiers read them, nobody edits them here."""

    list_display = [
        "filename",
        "kind",
        "building",
        "station",
        "status",
        "rows",
        "sha256",
        "uploaded_by",
        instant_column("created_at", upload_zone, description="Uploaded"),
    ]
    list_filter = ["kind", "status"]
    list_select_related = ["building", "station", "uploaded_by"]
    search_fields = ["filename", "sha256", "building__name"]
    fields = readonly_fields = shown_fields(Upload, upload_zone)
