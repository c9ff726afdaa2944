"""The demo `make run` loads: once, with both logins, a building whose numbers the pages can show."""

from io import StringIO

from django.core.management import call_command

from accounts.models import Role, User
from buildings.models import Building
from credits.models import CreditBlock, Status


def test_load_demo_loads_once_and_then_leaves_everything_as_it_is(db):
    out = StringIO()
    call_command("load_demo", stdout=out)
    owner = User.objects.get(email="demo@carbonexia.local")
    assert User.objects.get(email="verifier@carbonexia.local").role == Role.VERIFIER
    building = Building.objects.get(owner=owner)
    assert building.readings.count() > 60_000 and building.baselines.count() == 1
    statuses = set(CreditBlock.objects.filter(building=building).values_list("status", flat=True))
    assert statuses == {Status.ISSUED, Status.PENDING}
    assert "demo@carbonexia.local" in out.getvalue()

    call_command("load_demo", stdout=StringIO())
    assert User.objects.count() == 2 and Building.objects.count() == 1
