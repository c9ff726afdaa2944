from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Role, User
from accounts.services import user_grant_role, user_register
from credits.demo import demo_credits_load
from metering.demo import demo_building_load

DEMO_EMAIL = "demo@carbonexia.local"
DEMO_VERIFIER_EMAIL = "verifier@carbonexia.local"
DEMO_PASSWORD = "demo-Carbon-2026"


class Command(BaseCommand):
    help = "Loads the demo accounts and data on first run; later runs leave everything as it is."

    def handle(self, *args, **options):
        if User.objects.filter(email=DEMO_EMAIL).exists():
            self.stdout.write("Carbonexia is running at http://127.0.0.1:8000 (demo data already loaded).")
            return
        with transaction.atomic():
            owner = user_register(email=DEMO_EMAIL, password=DEMO_PASSWORD, full_name="Demo Facility Manager")
            verifier = user_register(email=DEMO_VERIFIER_EMAIL, password=DEMO_PASSWORD, full_name="Demo Verifier")
            user_grant_role(actor="load_demo", user=verifier, role=Role.VERIFIER)
            building = demo_building_load(owner=owner)
            demo_credits_load(owner=owner, verifier=verifier, building=building)
        self.stdout.write(
            "Carbonexia is running at http://127.0.0.1:8000\n"
            f"  facility manager: {DEMO_EMAIL} / {DEMO_PASSWORD}  (portal: http://127.0.0.1:8000/portal/)\n"
            f"  verifier:         {DEMO_VERIFIER_EMAIL} / {DEMO_PASSWORD}  (admin: http://127.0.0.1:8000/admin/)\n"
            "  API docs:         http://127.0.0.1:8000/docs"
        )
