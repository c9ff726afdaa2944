from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from accounts.services import user_register
from metering.demo import demo_building_load

DEMO_EMAIL = "demo@carbonexia.local"
DEMO_PASSWORD = "demo-Carbon-2026"


class Command(BaseCommand):
    help = "Loads the demo account and data on first run; later runs leave everything as it is."

    def handle(self, *args, **options):
        if User.objects.filter(email=DEMO_EMAIL).exists():
            self.stdout.write("Carbonexia is running at http://127.0.0.1:8000 (demo data already loaded).")
            return
        with transaction.atomic():
            user = user_register(email=DEMO_EMAIL, password=DEMO_PASSWORD, full_name="Demo Facility Manager")
            demo_building_load(owner=user)
        self.stdout.write(
            "Carbonexia is running at http://127.0.0.1:8000\n"
            f"  demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}\n"
            "  API docs:   http://127.0.0.1:8000/docs"
        )
