from django.contrib import admin

from carbonexia.common.admin import ReadOnlyAdminMixin

from .models import Webhook, WebhookAttempt, WebhookDelivery


@admin.register(Webhook)
class WebhookAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Webhooks change only through the API; the admin is for looking."""

    list_display = ["url", "owner", "events", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "owner__email"]
    exclude = ["secret"]


class WebhookAttemptInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    fields = readonly_fields = ("attempted_at", "status_code", "error", "duration_ms")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["event_type", "event_id", "webhook", "status", "attempt_count", "last_status_code", "created_at"]
    list_filter = ["status", "event_type"]
    search_fields = ["event_id", "webhook__url", "webhook__owner__email"]
    list_select_related = ["webhook"]
    inlines = [WebhookAttemptInline]
