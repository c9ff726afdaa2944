import pytest
from django.test import Client

from mrv.services import baseline_calculate
from tests.mrv import builders

HX = {"HX-Request": "true"}


def browser_session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def portal(owner):
    """The owner's logged-in browser session."""
    return browser_session(owner)


@pytest.fixture
def outsider_portal(outsider):
    return browser_session(outsider)


@pytest.fixture
def measured(owner):
    """Daily meter and weather data with a weather baseline; April 2024 to March 2025 are eligible,
    March 2024 (the retrofit works) is not."""
    building, _ = builders.two_years(owner, interval="1D")
    baseline_calculate(actor=owner, building=building)
    return building
