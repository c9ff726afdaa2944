"""A facility manager's whole day in a real browser (Debian's Chromium through Playwright), against the live
server: register, add a building, upload data (a bad file first), compute a baseline, read the dashboard,
request credits, generate and download a report, read a utility bill, add a webhook. Each page is saved as a
screenshot in test-artifacts/screenshots/. Then another user tries the same pages and finds nothing."""

import re

import pytest
from django.db import connections
from playwright.sync_api import expect, sync_playwright

from buildings.models import Building
from credits.models import CreditBlock, Status
from metering.parsers.demo_series import generate_meter, generate_weather, to_csv_bytes
from mrv.models import Baseline
from tests.conftest import ARTIFACTS, PASSWORD
from tests.metering import bill_images

pytestmark = pytest.mark.browser

TZ = "Asia/Kolkata"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = ARTIFACTS / "screenshots"
CEILING_MS = 60_000  # how long a step may wait on a slow machine; never a measure of speed
expect.set_options(timeout=CEILING_MS)


@pytest.fixture
def files(tmp_path):
    """Two years of daily temperatures and meter readings with a retrofit in March 2024, as CSV files;
    and a first export of the meter's first days with two broken rows."""
    weather = generate_weather(start="2023-03-01", end="2025-04-02", tz=TZ, seed=5, climate="subtropical")
    local_day = weather["ts"].dt.tz_convert(TZ).dt.strftime("%Y-%m-%d")
    daily = weather.groupby(local_day)["temperature_c"].mean().round(2)
    meter = generate_meter(
        weather=weather,
        start="2023-03-01",
        end="2025-04-01",
        tz=TZ,
        seed=5,
        interval="1D",
        base_kw=100,
        occupied_kw=200,
        heating_kw_per_degc=0,
        cooling_kw_per_degc=25,
        cooling_balance_c=21,
        retrofit_date="2024-04-01",
        retrofit_saving_pct=20,
    )
    good = to_csv_bytes(meter, tz=TZ)
    lines = good.decode().splitlines()
    lines[3] = "2023-03-03T00:00:00,lots"
    lines[5] = "the fifth of March,2400"
    paths = {name: tmp_path / name for name in ("temperatures.csv", "meter.csv", "meter-broken.csv", "bill.png")}
    paths["temperatures.csv"].write_text("date,temperature_c\n" + daily.to_csv(header=False))
    paths["meter.csv"].write_bytes(good)
    paths["meter-broken.csv"].write_text("\n".join(lines[:11]) + "\n")
    paths["bill.png"].write_bytes(bill_images.encoded(bill_images.draw_bill(bill_images.INDIAN_BILL), "PNG"))
    return paths


class Day:
    """One browser session, with a numbered screenshot per step."""

    def __init__(self, page, base_url: str, name: str):
        self.page, self.base_url, self.name, self.step = page, base_url, name, 0
        # Script errors and Content-Security-Policy refusals; a form refused with 422 is logged as a failed
        # load too, and is expected.
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", lambda message: self._console(message))

    def _console(self, message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def shot(self, what: str) -> None:
        self.step += 1
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SHOTS / f"{self.name}-{self.step:02}-{what}.png", full_page=True)

    def open(self, path: str):
        return self.page.goto(self.base_url + path)

    def log_in(self, email: str) -> None:
        self.open("/portal/login/")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Log in").click()

    def tab(self, label: str) -> None:
        self.page.get_by_role("navigation", name="Harbour View Offices").get_by_role("link", name=label).click()


@pytest.fixture
def chromium(monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM reads are still plain
    # synchronous calls between browser steps, so Django's guard against async contexts does not apply.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()
        # Connections opened while Playwright's loop runs belong to its context; close them in it, or the
        # test database could not be dropped at the end of the run.
        connections.close_all()


def new_day(chromium, live_server, name: str) -> Day:
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(CEILING_MS)
    return Day(context.new_page(), live_server.url, name)


def test_a_facility_managers_day(
    chromium, live_server, transactional_db, django_db_serialized_rollback, settings, tasks_in_process, files, make_user
):
    # transactional_db, named here, also makes pytest-django run this test after the tests that roll back,
    # so its flush at the end never empties the database under them.
    settings.METER_CSV_ASYNC_ROWS = 500  # the two-year file goes to the worker, so its progress shows
    day = new_day(chromium, live_server, "manager")
    page = day.page

    # Arrive: the root leads to the portal's login; keyboard users can skip to the content.
    day.open("/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_role("link", name="Create an account").click()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to the content")).to_be_focused()
    page.get_by_label("Email").fill("ana@harbourview.test")
    page.get_by_label("Full name").fill("Ana Facilities")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password_again").fill(PASSWORD)
    day.shot("register")
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_text("You have no buildings yet.")).to_be_visible()
    day.shot("no-buildings")

    # A building, first with a floor area of zero.
    page.get_by_role("link", name="Add a building").first.click()
    page.get_by_label("Name").fill("Harbour View Offices")
    page.get_by_label("Building type").select_option("commercial_office")
    page.get_by_label("Floor area (sq ft)").fill("0")
    page.get_by_label("Timezone").fill(TZ)
    page.get_by_role("button", name="Add the building").click()
    expect(page.locator("#id_area_sqft_error")).to_have_text("Must be greater than 0.")
    expect(page.locator("#id_area_sqft")).to_have_attribute("aria-invalid", "true")
    day.shot("building-error")
    page.get_by_label("Floor area (sq ft)").fill("80000")
    page.get_by_role("button", name="Add the building").click()
    expect(page.get_by_text("Harbour View Offices was added.")).to_be_visible()
    building = Building.objects.get(name="Harbour View Offices")
    assert building.grid_region == "IN"

    # Weather: a station, then its daily temperatures.
    page.get_by_text("Add a weather station").click()
    # The building's own coordinates sit in the form above: this station's fields are the ones in its form.
    new_station = page.locator("form", has=page.get_by_role("button", name="Add and link the station"))
    new_station.get_by_label("Name").fill("Harbour roof")
    new_station.get_by_label("Latitude").fill("18.94")
    new_station.get_by_label("Longitude").fill("72.84")
    new_station.get_by_role("button", name="Add and link the station").click()
    expect(page.get_by_text("The station Harbour roof was added and linked to this building.")).to_be_visible()
    page.get_by_label("Temperature CSV").set_input_files(files["temperatures.csv"])
    page.get_by_role("button", name="Upload temperatures").click()
    days = len(files["temperatures.csv"].read_text().splitlines()) - 1
    expect(page.get_by_text(f"{days} temperatures were stored for Harbour roof.")).to_be_visible()

    # A meter file with two broken rows: the rows are listed and nothing is stored.
    page.get_by_label("Meter data (CSV, Excel or Green Button)").set_input_files(files["meter-broken.csv"])
    page.get_by_role("button", name="Upload", exact=True).click()
    errors = page.locator("#upload-result .row-errors")
    expect(errors).to_contain_text("2 rows with errors")
    expect(errors.locator("tbody tr")).to_have_count(2)
    expect(errors.locator("tbody tr").first).to_contain_text("4")
    expect(page.locator(".error-summary")).to_contain_text("Nothing was stored.")
    day.shot("csv-row-errors")

    # The corrected file goes to the worker: its progress shows, then the readings.
    page.get_by_label("Meter data (CSV, Excel or Green Button)").set_input_files(files["meter.csv"])
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator("#upload-result progress")).to_be_attached()
    day.shot("csv-processing")
    readings = len(files["meter.csv"].read_text().splitlines()) - 1
    expect(page.locator("#upload-result")).to_contain_text(f"{readings} readings stored ({readings} new, 0 replaced)")
    expect(page.locator("#readings svg")).to_be_visible()  # the chart reloaded itself
    page.get_by_label("Sum per").select_option("month")
    expect(page.locator("#readings figcaption")).to_contain_text("kWh per month")
    day.shot("readings")

    # The retrofit, so the baseline window is the year before it.
    page.get_by_text("Record an event").click()
    page.get_by_label("Event type").select_option("retrofit")
    page.get_by_label("Start date").fill("2024-03-04")
    page.get_by_label("End date").fill("2024-03-29")
    page.get_by_label("Description").fill("Chiller replacement and LED lighting.")
    page.get_by_role("button", name="Record the event").click()
    expect(page.get_by_text("The retrofit was recorded.")).to_be_visible()

    # Baseline.
    day.tab("Baselines")
    page.get_by_role("button", name="Compute the baseline").click()
    expect(page.get_by_text("baseline was computed")).to_be_visible()
    expect(page.get_by_text("over 2023-03-01 to 2024-02-29", exact=False)).to_be_visible()
    expect(page.get_by_role("heading", name="Candidate models")).to_be_visible()
    expect(page.locator(".card", has_text="ASHRAE Guideline 14")).to_contain_text("Meets ASHRAE Guideline 14")
    day.shot("baseline")
    assert Baseline.objects.get(building=building).valid

    # Dashboard.
    day.tab("Dashboard")
    expect(page.get_by_role("heading", name="2025-03 at a glance")).to_be_visible()
    expect(page.locator(".calendar li")).to_have_count(12)
    expect(page.locator(".calendar")).to_contain_text("OK")
    day.shot("dashboard")

    # Credits: the preview says which months cannot earn credits before anything is sent.
    day.tab("Credits")
    page.locator("#id_period_start").fill("2024-03")
    page.locator("#id_period_end").fill("2024-09")
    preview = page.locator("#eligibility")
    expect(preview).to_contain_text("1 of the 7 months cannot earn credits")
    expect(preview).to_contain_text("2024-03")
    day.shot("credits-preview")
    page.locator("#id_period_start").fill("2024-04")
    expect(preview).to_contain_text("All 6 months can earn credits.")
    page.get_by_role("button", name="Request the credits").click()
    expect(page.get_by_text("credits were requested; a verifier will review them.")).to_be_visible()
    expect(page.get_by_text("Pending verification")).to_be_visible()
    day.shot("credits-requested")
    assert CreditBlock.objects.get(building=building).status == Status.PENDING

    # A report, generated and downloaded.
    day.tab("Reports")
    page.locator("#id_period_start").fill("2024-04")
    page.locator("#id_period_end").fill("2024-09")
    page.get_by_role("button", name="Generate the report").click()
    expect(page.locator("tbody tr").first).to_contain_text("Ready")
    day.shot("report")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the PDF")).first.click()
    assert download.value.suggested_filename == "carbonexia-harbour-view-offices-2024-04-to-2024-09.pdf"
    assert open(download.value.path(), "rb").read(4) == b"%PDF"

    # A utility bill, read, flagged (its March is far off the building's own meter) and confirmed knowingly.
    day.tab("Bills")
    page.get_by_label("Utility bill:", exact=True).set_input_files(files["bill.png"])
    page.get_by_role("button", name="Upload the bill").click()
    expect(page.get_by_label("kWh consumed")).to_have_value("124000.0")
    expect(page.get_by_role("alert").filter(has_text="The bill's 124,000 kWh differs from the meter's")).to_be_visible()
    day.shot("bill-read")
    page.get_by_label("These figures are right as they are").check()
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Confirmed by ana@harbourview.test")).to_be_visible()

    # A webhook: its secret is shown once.
    page.get_by_role("link", name="Webhooks").click()
    page.get_by_label("URL").fill("https://hooks.harbourview.test/carbonexia")
    page.get_by_label("Credits issued").check()
    page.get_by_role("button", name="Add the webhook").click()
    expect(page.get_by_label("Signing secret")).to_have_value(re.compile("^whsec_"))
    day.shot("webhook-secret")
    assert day.errors == []

    # Someone else finds nothing at these addresses.
    make_user(email="intruder@example.test")
    other = new_day(chromium, live_server, "outsider")
    other.open("/portal/login/")
    other.page.get_by_label("Email").fill("intruder@example.test")
    other.page.get_by_label("Password").fill(PASSWORD)
    other.page.get_by_role("button", name="Log in").click()
    expect(other.page.get_by_text("You have no buildings yet.")).to_be_visible()
    for path in ("", "data/", "credits/", "reports/"):
        response = other.open(f"/portal/buildings/{building.pk}/{path}")
        assert response.status == 404, path
        expect(other.page.get_by_role("heading", name="Page not found")).to_be_visible()
        expect(other.page.get_by_text("Harbour View Offices")).to_have_count(0)
    other.shot("not-found")
