"""Every URL of carbonexia.urls that names an object answers 404 to another user, for every method, on the API
(JWT) and in the portal (session); the owner making the same request gets past the 404, so the sweep proves
scoping rather than broken URLs. The admin is for staff only: a facility manager is sent to its login.

The URL patterns are discovered, not listed: a new pattern with an id parameter the sweep has no object for
fails the first test until OBJECTS names one.
"""

import itertools
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client

from tests.conftest import client_for
from tests.metering.helpers import make_building
from tests.support.owned import Owned, owned_world
from tests.support.routes import PARAMETER, Route, routes

# Parameter name → the owner's objects a URL may name with it (an upload id names a CSV upload or a bill's).
OBJECTS = {
    "building_id": lambda owned: [owned.building],
    "upload_id": lambda owned: [owned.upload, owned.bill.upload],
    "credit_id": lambda owned: [owned.credit],
    "station_id": lambda owned: [owned.station],
    "webhook_id": lambda owned: [owned.webhook],
    "report_id": lambda owned: [owned.report],
    "meter_id": lambda owned: [owned.meter],
    "bill_id": lambda owned: [owned.bill],
    # Not an object: the portal's upload template names its granularity beside the building, which is what is swept.
    "granularity": lambda owned: [SimpleNamespace(pk="15min", public_id="15min")],
}
NOT_OBJECTS = {"granularity"}
API_METHODS = ("get", "post", "put", "patch", "delete")
PORTAL_REQUESTS = (("get", {}), ("get", {"HTTP_HX_REQUEST": "true"}), ("post", {}))
# Enough for any form or serializer to get as far as looking the object up.
BODY = {
    "name": "Sweep",
    "building_id": "00000000-0000-0000-0000-000000000000",
    "kwh": 1,
    "timestamp": "2025-03-01T00:00:00",
    "readings": [{"timestamp": "2025-03-01T00:00:00", "kwh": 1, "temperature_c": 20}],
    "period_start": "2024-04-01",
    "period_end": "2024-04-30",
    "decision": "approve",
    "comment": "sweep",
    "quantity": 1,
    "beneficiary": "Sweep",
    "reason": "sweep",
    "event_type": "retrofit",
    "start_date": "2024-01-01",
    "description": "sweep",
    "url": "http://127.0.0.1:9/sweep",
    "events": ["report_ready"],
    "device_id": "sweep-device",
}
ID_ROUTES = [route for route in routes() if route.parameters]


def _value(obj, converter: str) -> str:
    if converter == "uuid":
        return str(obj.pk)
    assert converter == "str", f"no value for a <{converter}:…> parameter: teach the sweep"
    return getattr(obj, "public_id", str(obj.pk))


def _urls(route: Route, owned: Owned, **fixed) -> list[str]:
    """The route filled with the owner's objects (or the `fixed` ones), in every combination its parameters allow."""
    choices = [
        [(name, _value(obj, converter)) for obj in ([fixed[name]] if name in fixed else OBJECTS[name](owned))]
        for converter, name in route.parameters
    ]
    urls = []
    for combination in itertools.product(*choices):
        url = route.route
        for name, value in combination:
            url = PARAMETER.sub(lambda m, n=name, v=value: v if m["name"] == n else m[0], url)
        urls.append("/" + url)
    return urls


def _requests(route: Route):
    """(method, extra headers, answers the outsider may get). An APIView says which methods it has, so the others
    must be 405; a function view does not say, so 405 is fine for any method as long as one of them is 404."""
    if route.portal:
        return [(method, extra, {404, 405}) for method, extra in PORTAL_REQUESTS]
    view_class = getattr(route.view, "view_class", None)
    if view_class is None:
        return [(method, {}, {404, 405}) for method in API_METHODS]
    return [(method, {}, {404} if hasattr(view_class, method) else {405}) for method in API_METHODS]


def _send(client, method: str, url: str, extra: dict, *, portal: bool):
    if method in {"get", "delete"}:
        return getattr(client, method)(url, **extra)
    if portal:
        return getattr(client, method)(url, BODY, **extra)
    return getattr(client, method)(url, BODY, format="json", **extra)


def _rolled_back(client, method: str, url: str, extra: dict, *, portal: bool):
    """The request, undone afterwards, so the next one finds the owner's objects as built."""
    with transaction.atomic():
        response = _send(client, method, url, extra, portal=portal)
        transaction.set_rollback(True)
    return response


def _sweep(route: Route, urls: list[str], outsider, owner) -> tuple[list[str], list[str], bool]:
    """What leaked to the outsider, which requests are 404 for the owner too, and whether any reached the view."""
    leaks, broken, reached = [], [], False
    for method, extra, allowed in _requests(route):
        label = method.upper() + (" (htmx)" if extra else "")
        answers = {url: _send(outsider, method, url, extra, portal=route.portal) for url in urls}
        leaks += [f"{label} {url} → {r.status_code}" for url, r in answers.items() if r.status_code not in allowed]
        if not any(r.status_code == 404 for r in answers.values()):
            continue
        reached = True
        mine = [_rolled_back(owner, method, url, extra, portal=route.portal) for url in urls]
        if all(r.status_code == 404 for r in mine):
            broken.append(f"{label} {' '.join(urls)} is 404 for its owner too")
    return leaks, broken, reached


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_id_parameter_of_every_url_has_an_object_to_fill_it():
    assert ID_ROUTES, "no URL with an id was discovered"
    discovered = {name for route in ID_ROUTES for name in route.names}
    missing = discovered - set(OBJECTS)
    assert not missing, f"URL parameters the IDOR sweep has no object for: {sorted(missing)}; add them to OBJECTS"
    assert any(route.portal for route in ID_ROUTES), "the portal's URLs were not discovered"


@pytest.mark.django_db
def test_another_users_objects_are_404_on_every_url_and_method(owner, outsider):
    owned = owned_world(owner)
    clients = {
        "api": {"outsider": client_for(outsider), "owner": client_for(owner)},
        "portal": {"outsider": session(outsider), "owner": session(owner)},
    }
    leaks, broken, unreached = [], [], []
    for route in ID_ROUTES:
        pair = clients["portal" if route.portal else "api"]
        leaked, owner_404, reached = _sweep(route, _urls(route, owned), pair["outsider"], pair["owner"])
        leaks += leaked
        broken += owner_404
        if not reached:
            unreached.append(f"/{route.route}")
    assert not leaks, "another user's object answered other than 404:\n" + "\n".join(leaks)
    assert not broken, "\n".join(broken)
    assert not unreached, f"no method of these URLs reached the view: {unreached}"


@pytest.mark.django_db
def test_another_users_object_under_ones_own_building_is_404(owner, outsider):
    """A URL that names a building and an object in it: the outsider's own building does not open the owner's
    bill, upload, credit or report."""
    owned, own_building = owned_world(owner), make_building(outsider)
    clients = {"api": client_for(outsider), "portal": session(outsider)}
    nested = [
        route
        for route in ID_ROUTES
        if "building_id" in route.names and set(route.names) - {"building_id"} - NOT_OBJECTS
    ]
    assert nested, "no URL names a building and an object in it"
    leaks = []
    for route in nested:
        client = clients["portal" if route.portal else "api"]
        for url in _urls(route, owned, building_id=own_building):
            for method, extra, allowed in _requests(route):
                answer = _send(client, method, url, extra, portal=route.portal)
                if answer.status_code not in allowed:
                    leaks.append(f"{method.upper()} {url} → {answer.status_code}")
    assert not leaks, "another user's object answered other than 404 under one's own building:\n" + "\n".join(leaks)


@pytest.mark.django_db
def test_a_facility_manager_is_sent_to_the_admin_login_from_every_admin_page(owner):
    owned = owned_world(owner)
    pages = ["/admin/", "/admin/password_change/", "/admin/jsi18n/", "/admin/autocomplete/"]
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        pages += [f"/admin/{model._meta.app_label}/", base, f"{base}add/"]
        # The owner's own building as the id: the refusal comes before any lookup, whatever the model.
        pages += [f"{base}{owned.building.pk}/{action}/" for action in ("change", "history", "delete")]
    browser = session(owner)
    for page in pages:
        response = browser.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith("/admin/login/?next="), (page, response["Location"])
