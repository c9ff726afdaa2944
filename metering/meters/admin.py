from django.contrib import admin

from carbonexia.common.admin import ReadOnlyAdminMixin

from .models import DeadLetter, Meter


@admin.register(Meter)
class MeterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["device_id", "building", "last_message_at", "created_at"]
    search_fields = ["device_id", "building__name"]
    exclude = ["secret_salt"]


@admin.register(DeadLetter)
class DeadLetterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["received_at", "device_id", "reason"]
    list_filter = ["received_at"]
    search_fields = ["device_id", "reason"]
