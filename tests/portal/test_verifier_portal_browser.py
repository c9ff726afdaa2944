"""A verifier follows the evidence page's link to the building's portal (issue 16): every page reads, none shows a
button that changes the building, and a post the browser sends anyway is refused."""

import pytest
from playwright.sync_api import expect

from buildings.models import Building
from tests.credits.test_verifier_queue_browser import admin_day, work  # noqa: F401  (the fixture is used by name)
from tests.portal.test_browser import chromium  # noqa: F401  (the fixture is used by name)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1366, 390])
def test_a_verifier_opens_the_building_read_only_from_the_evidence_page(chromium, live_server, work, width):  # noqa: F811
    verifier, building, block = work
    owner = building.owner
    day = admin_day(chromium, live_server, verifier, width, 844)
    page = day.page
    day.open(f"/admin/credits/creditblock/{block.pk}/change/")
    page.get_by_role("link", name="The building in the portal (read-only)").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Harbour View Offices")
    expect(page.get_by_role("note")).to_contain_text(f"only its owner ({owner.email}) can change it")
    tabs = page.get_by_role("navigation", name="Harbour View Offices")
    expect(tabs.get_by_role("link", name="Settings")).to_have_count(0)
    for tab, hidden in [
        ("Data", "Record the event"),
        ("Baselines", "Compute the baseline"),
        ("Credits", "Request the credits"),
        ("Bills", "Upload the bill"),
        ("Meters", "Add the meter"),
    ]:
        tabs.get_by_role("link", name=tab).click()
        note = page.get_by_role("note")
        expect(note).to_be_visible()
        expect(page.get_by_role("button", name=hidden)).to_have_count(0)
        # The notice wraps within the window (how wide the rest of each page is, is issue 16's defect 6).
        box = note.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width, (tab, box)
    day.shot("read-only")

    # A post sent from the page anyway (the settings form is not there to send) is refused and changes nothing.
    status = page.evaluate(
        """async (url) => {
            const token = document.querySelector('[name=csrfmiddlewaretoken]')?.value
                ?? JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken'];
            const body = new URLSearchParams({name: 'Renamed', area_sqft: '1', timezone: 'UTC'});
            const answer = await fetch(url, {method: 'POST', body, headers: {'X-CSRFToken': token}});
            return answer.status;
        }""",
        f"/portal/buildings/{building.pk}/settings/",
    )
    assert status == 403
    assert Building.objects.get(pk=building.pk).name == "Harbour View Offices"
