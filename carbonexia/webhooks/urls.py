from carbonexia.common.routes import api_path

from . import api

urlpatterns = [
    *api_path("webhooks", api.WebhookListView.as_view(), name="webhooks"),
    *api_path("webhooks/<uuid:webhook_id>", api.WebhookDetailView.as_view(), name="webhook"),
    *api_path("webhooks/<uuid:webhook_id>/deliveries", api.DeliveryListView.as_view(), name="webhook-deliveries"),
]
