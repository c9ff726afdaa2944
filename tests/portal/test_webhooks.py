import pytest

from carbonexia.webhooks.models import Webhook
from carbonexia.webhooks.services import deliveries_create, webhook_create

pytestmark = pytest.mark.django_db

URL = "https://hooks.example.test/carbonexia"


def test_adding_a_webhook_shows_its_secret_once(portal, owner):
    response = portal.post("/portal/webhooks/", {"url": URL, "events": ["report_ready", "credits_issued"]})
    webhook = Webhook.objects.get(owner=owner)
    assert response.status_code == 200 and webhook.events == ["report_ready", "credits_issued"]
    assert webhook.secret.encode() in response.content and b"It is shown only this once." in response.content
    listed = portal.get("/portal/webhooks/").content
    assert URL.encode() in listed and webhook.secret.encode() not in listed


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"url": "ftp://hooks.example.test/x", "events": ["report_ready"]}, "url", "http"),
        ({"url": URL, "events": []}, "events", "This field is required."),
        ({"url": URL, "events": ["everything"]}, "events", "Select a valid choice."),
    ],
)
def test_a_bad_webhook_is_refused_inline_and_stores_nothing(portal, form, field, message):
    response = portal.post("/portal/webhooks/", form)
    html = response.content.decode()
    assert response.status_code == 422 and message in html and f'id="id_{field}_error"' in html
    assert not Webhook.objects.exists()


def test_deliveries_are_listed_and_a_webhook_can_be_deleted(portal, owner, django_capture_on_commit_callbacks):
    webhook = webhook_create(owner=owner, url=URL, events=["report_ready"])
    with django_capture_on_commit_callbacks():
        deliveries_create(
            event_id="evt_1", event_type="report_ready", occurred_at="2025-04-01T00:00:00Z", owner=owner, payload={}
        )
    html = portal.get(f"/portal/webhooks/{webhook.pk}/").content.decode()
    assert "report_ready" in html and "evt_1" in html and "Pending" in html and "none yet" in html
    response = portal.post(f"/portal/webhooks/{webhook.pk}/delete/", follow=True)
    assert b"was deleted" in response.content
    webhook.refresh_from_db()
    assert not webhook.active
