"""Project-wide templates and assets (templates/, static/): the HTML 404 and 500 pages and the admin's
branding, shown to people; API clients keep getting JSON."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_an_unknown_page_is_the_project_404_for_browsers_and_json_for_clients(client):
    page = client.get("/portal/nowhere/", HTTP_ACCEPT="text/html")
    assert page.status_code == 404 and b"Page not found" in page.content
    assert b"carbonexia/favicon.svg" in page.content
    api = client.get("/nowhere", HTTP_ACCEPT="application/json")
    assert api.status_code == 404 and api.json()["code"] == "not_found"


def test_a_server_error_page_for_browsers_says_so_without_a_traceback(settings):
    from django.urls import path

    def broken(request):
        raise RuntimeError("a bug")

    settings.ROOT_URLCONF = type(
        "urls",
        (),
        {"urlpatterns": [path("broken/", broken)], "handler500": "carbonexia.common.exceptions.json_server_error"},
    )
    browser = Client(raise_request_exception=False)
    page = browser.get("/broken/", HTTP_ACCEPT="text/html")
    assert page.status_code == 500
    assert b"Something went wrong on our side" in page.content and b"RuntimeError" not in page.content


def test_the_admin_carries_the_product_name_and_icon(admin_client):
    page = admin_client.get("/admin/")
    assert b"Carbonexia verification" in page.content and b"carbonexia/favicon.svg" in page.content
