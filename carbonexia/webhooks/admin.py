from django.contrib import admin

from carbonexia.common.admin import ReadOnlyAdminMixin, instant_column, shown_fields
from carbonexia.common.instants import SECONDS

from .models import Webhook, WebhookAttempt, WebhookDelivery


@admin.register(Webhook)
class WebhookAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Webhooks change only through the API; the admin is for looking. An account's times are in UTC, named."""

    list_display = ["url", "owner", "events", "active", instant_column("created_at", description="Added")]
    list_filter = ["active"]
    search_fields = ["url", "owner__email"]
    exclude = ["secret"]


class WebhookAttemptInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    fields = readonly_fields = (
        instant_column("attempted_at", description="Attempted", pattern=SECONDS),
        "status_code",
        "error",
        "duration_ms",
    )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "event_type",
        "event_id",
        "webhook",
        "status",
        "attempt_count",
        "last_status_code",
        instant_column("created_at", description="Created", pattern=SECONDS),
    ]
    list_filter = ["status", "event_type"]
    search_fields = ["event_id", "webhook__url", "webhook__owner__email"]
    list_select_related = ["webhook"]
    inlines = [WebhookAttemptInline]
    fields = readonly_fields = shown_fields(WebhookDelivery, pattern=SECONDS)
