"""A read-only request asks each `read_once` question of the database once; a write, or code outside a request,
asks every time."""

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from buildings.services import building_data_changed
from carbonexia.common.read_once import ReadOnceMiddleware, read_once
from mrv.cache_keys import key_state


def counted():
    calls = []

    @read_once
    def reader(n, *, scale=1):
        calls.append(n)
        return n * scale

    return reader, calls


def asked_twice(reader):
    def view(request):
        return HttpResponse(f"{reader(2)} {reader(2)} {reader(3)} {reader(2, scale=10)}")

    return view


@pytest.mark.parametrize("method", ["get", "head"])
def test_a_read_only_request_asks_each_question_once(method):
    reader, calls = counted()
    response = ReadOnceMiddleware(asked_twice(reader))(getattr(RequestFactory(), method)("/"))
    assert calls == [2, 3, 2]  # (2), (3) and (2, scale=10) are three questions
    if method == "get":
        assert response.content == b"2 2 3 20"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_write_asks_every_time(method):
    reader, calls = counted()
    ReadOnceMiddleware(asked_twice(reader))(getattr(RequestFactory(), method)("/"))
    assert calls == [2, 2, 3, 2]


def test_answers_end_with_their_request():
    reader, calls = counted()
    middleware = ReadOnceMiddleware(asked_twice(reader))
    middleware(RequestFactory().get("/"))
    middleware(RequestFactory().get("/"))
    reader(2)
    reader(2)
    assert calls == [2, 3, 2] * 2 + [2, 2]


@pytest.mark.django_db
def test_outside_a_request_a_change_is_seen_at_once(measured):
    before = key_state(measured)
    building_data_changed(measured)
    assert key_state(measured).data_version == before.data_version + 1


@pytest.mark.django_db
def test_the_dashboard_reads_its_key_state_and_latest_month_once(portal, measured):
    with CaptureQueriesContext(connection) as page:
        response = portal.get(f"/portal/buildings/{measured.pk}/")
    assert response.status_code == 200
    statements = [query["sql"] for query in page.captured_queries]
    assert sum(sql.startswith('SELECT "buildings_building"."data_version" AS') for sql in statements) == 1
    assert sum('MAX("metering_meterreading"."time")' in sql for sql in statements) == 1
