from django.contrib import admin

from .models import Webhook, WebhookAttempt, WebhookDelivery


class ReadOnlyAdmin(admin.ModelAdmin):
    """Webhooks change only through the API (one write path); the admin is for looking."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Webhook)
class WebhookAdmin(ReadOnlyAdmin):
    list_display = ["url", "owner", "events", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "owner__email"]
    exclude = ["secret"]


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    fields = ["attempted_at", "status_code", "error", "duration_ms"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["event_type", "event_id", "webhook", "status", "attempt_count", "last_status_code", "created_at"]
    list_filter = ["status", "event_type"]
    search_fields = ["event_id", "webhook__url", "webhook__owner__email"]
    list_select_related = ["webhook"]
    inlines = [WebhookAttemptInline]
