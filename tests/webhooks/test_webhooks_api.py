import pytest

from carbonexia.audit.models import AuditEvent
from carbonexia.webhooks import services
from carbonexia.webhooks.models import Webhook

pytestmark = pytest.mark.django_db

HOOK_URL = "https://hooks.example.test/carbonexia"


def _subscribe(client, url=HOOK_URL, events=("report_ready", "ocr_completed")):
    return client.post("/webhooks", {"url": url, "events": list(events)}, format="json")


def test_the_secret_is_shown_once_at_creation_and_never_listed(as_owner, owner):
    created = _subscribe(as_owner)
    assert created.status_code == 201
    body = created.json()
    assert set(body) == {"webhook_id", "url", "events", "secret", "created_at"}
    assert body["url"] == HOOK_URL
    assert body["events"] == ["report_ready", "ocr_completed"]
    assert body["secret"].startswith("whsec_") and len(body["secret"]) == len("whsec_") + 64

    listed = as_owner.get("/webhooks")
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    assert listed.json()["results"] == [
        {"webhook_id": body["webhook_id"], "url": HOOK_URL, "events": body["events"], "created_at": body["created_at"]}
    ]
    assert body["secret"].encode() not in listed.content
    assert as_owner.get(f"/webhooks/{body['webhook_id']}/deliveries").json()["count"] == 0
    assert Webhook.objects.get(pk=body["webhook_id"]).owner == owner
    audit = AuditEvent.objects.get(action="webhook.created", object_id=body["webhook_id"])
    assert body["secret"] not in str(audit.after)


def test_repeated_events_are_kept_once(as_owner):
    body = _subscribe(as_owner, events=["credits_issued", "credits_issued", "mrv_calculated"]).json()
    assert body["events"] == ["credits_issued", "mrv_calculated"]


def test_delete_removes_the_webhook_from_the_api(as_owner):
    webhook_id = _subscribe(as_owner).json()["webhook_id"]
    response = as_owner.delete(f"/webhooks/{webhook_id}")
    assert response.status_code == 204
    assert as_owner.get("/webhooks").json()["count"] == 0
    assert as_owner.get(f"/webhooks/{webhook_id}/deliveries").status_code == 404
    assert as_owner.delete(f"/webhooks/{webhook_id}/").status_code == 404
    assert Webhook.objects.get(pk=webhook_id).active is False
    assert AuditEvent.objects.filter(action="webhook.deleted", object_id=webhook_id).exists()


def test_an_outsider_sees_none_of_another_users_webhooks(as_owner, as_outsider, as_verifier):
    webhook_id = _subscribe(as_owner).json()["webhook_id"]
    for stranger in (as_outsider, as_verifier):
        assert stranger.get("/webhooks").json()["count"] == 0
        deliveries = stranger.get(f"/webhooks/{webhook_id}/deliveries")
        assert deliveries.status_code == 404
        assert deliveries.json() == {"detail": "No such webhook.", "code": "not_found"}
        assert stranger.delete(f"/webhooks/{webhook_id}").status_code == 404
    assert Webhook.objects.get(pk=webhook_id).active is True


def test_the_webhook_api_needs_a_token(anon):
    assert anon.get("/webhooks").status_code == 401
    assert _subscribe(anon).status_code == 401
    assert not Webhook.objects.exists()


def test_a_body_that_is_not_json_is_400(as_owner):
    response = as_owner.post("/webhooks", data='{"url": "https://x.test",', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"
    assert not Webhook.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"events": ["report_ready"]}, "url"),
        ({"url": HOOK_URL}, "events"),
        ({"url": HOOK_URL, "events": []}, "events"),
        ({"url": HOOK_URL, "events": ["report_ready", "building_sold"]}, "events"),
        ({"url": HOOK_URL, "events": "report_ready"}, "events"),
        ({"url": "", "events": ["report_ready"]}, "url"),
        ({"url": "hooks.example.test/carbonexia", "events": ["report_ready"]}, "url"),
        ({"url": "https://user:pw@hooks.example.test/", "events": ["report_ready"]}, "url"),
        ({"url": "https://hooks.example.test:99999/", "events": ["report_ready"]}, "url"),
        ({"url": "https://hooks.example.test/a b", "events": ["report_ready"]}, "url"),
        ({"url": "https:///no-host", "events": ["report_ready"]}, "url"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_stores_nothing(as_owner, body, field):
    response = as_owner.post("/webhooks", body, format="json")
    assert response.status_code == 422
    assert response.json()["code"] in {"invalid", "invalid_url"}
    assert field in response.json()["errors"]
    assert not Webhook.objects.exists()


@pytest.mark.parametrize("url", ["ftp://hooks.example.test/", "file:///etc/passwd", "gopher://127.0.0.1:6379/_"])
def test_only_http_and_https_are_accepted_even_when_private_addresses_are_allowed(as_owner, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    response = _subscribe(as_owner, url=url)
    assert response.status_code == 422
    assert response.json()["errors"]["url"] == ["Use an http or https URL."]
    assert not Webhook.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:8000/hook",
        "http://127.0.0.1/hook",
        "http://10.0.0.1/hook",
        "http://192.168.1.20/hook",
        "http://172.16.5.4/hook",
        "http://100.64.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/hook",
        "http://224.0.0.1/hook",
        "http://240.0.0.1/hook",
        "http://2130706433/hook",
        "http://[::1]/hook",
        "http://[::]/hook",
        "http://[fe80::1]/hook",
        "http://[fc00::1]/hook",
        "http://[ff02::1]/hook",
        "http://[::ffff:10.0.0.1]/hook",
        "http://[2002:7f00:1::]/hook",
    ],
)
def test_the_ssrf_guard_refuses_non_public_hosts_at_creation(as_owner, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    response = _subscribe(as_owner, url=url)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_url"
    assert "not a public address" in response.json()["errors"]["url"][0]
    assert not Webhook.objects.exists()


def test_the_ssrf_guard_judges_the_address_a_name_resolves_to(as_owner, settings, dns):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    dns["internal.example.test"] = "10.1.2.3"
    dns["hooks.example.test"] = "93.184.215.14"
    refused = _subscribe(as_owner, url="https://internal.example.test/hook")
    assert refused.status_code == 422
    assert refused.json()["errors"]["url"] == [
        "The host internal.example.test resolves to 10.1.2.3, which is not a public address."
    ]
    assert _subscribe(as_owner, url="https://hooks.example.test/hook").status_code == 201
    assert _subscribe(as_owner, url="http://93.184.215.14:8080/hook").status_code == 201


def test_a_name_that_does_not_resolve_is_refused_when_the_guard_is_on(as_owner, settings, dns):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    dns["nowhere.example.test"] = None
    response = _subscribe(as_owner, url="https://nowhere.example.test/hook")
    assert response.status_code == 422
    assert response.json()["errors"]["url"] == ["The host nowhere.example.test could not be resolved."]


def test_private_addresses_are_accepted_when_allowed(as_owner, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    assert _subscribe(as_owner, url="http://127.0.0.1:9000/hook").status_code == 201


def test_at_most_twenty_webhooks_per_user(as_owner, owner, outsider):
    for n in range(services.MAX_WEBHOOKS_PER_USER):
        services.webhook_create(owner=owner, url=f"{HOOK_URL}/{n}", events=["report_ready"])
    refused = _subscribe(as_owner)
    assert refused.status_code == 422
    assert refused.json()["code"] == "too_many_webhooks"
    assert Webhook.objects.filter(owner=owner).count() == services.MAX_WEBHOOKS_PER_USER
    services.webhook_create(owner=outsider, url=HOOK_URL, events=["report_ready"])  # the limit is per user

    as_owner.delete(f"/webhooks/{Webhook.objects.filter(owner=owner).first().pk}")
    assert _subscribe(as_owner).status_code == 201


def test_the_schema_describes_the_webhook_endpoints(anon):
    paths = anon.get("/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    assert set(paths["/webhooks"]) >= {"get", "post"}
    assert "delete" in paths["/webhooks/{webhook_id}"]
    listed = paths["/webhooks/{webhook_id}/deliveries"]["get"]["responses"]["200"]["content"]["application/json"]
    assert listed["schema"]["$ref"].endswith("/WebhookDeliveryPage")
