from django.apps import AppConfig


def _on_domain_event(sender, *, event_id, event_type, occurred_at, owner, payload, **kwargs):
    from .services import deliveries_create

    deliveries_create(event_id=event_id, event_type=event_type, occurred_at=occurred_at, owner=owner, payload=payload)


class WebhooksConfig(AppConfig):
    name = "carbonexia.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self):
        from carbonexia.events import domain_event

        from . import tasks  # noqa: F401  (registers the tasks the services queue by name)

        domain_event.connect(_on_domain_event, dispatch_uid="webhooks.deliveries_create")
