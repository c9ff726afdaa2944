from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Role, User
from accounts.services import user_grant_role, user_register
from credits.demo import demo_credits_load
from metering.demo import demo_building_load

DEMO_EMAIL = "demo@carbonexia.local"
DEMO_VERIFIER_EMAIL = "verifier@carbonexia.local"
DEMO_PASSWORD = "demo-Carbon-2026"
DEFAULT_ADDRESS = "127.0.0.1:8000"
EVERY_INTERFACE = {"0.0.0.0", "::", "[::]", "0"}


def base_url(address: str) -> str:
    """Where a browser on this machine reaches runserver started on `address`, given as runserver takes it:
    'PORT', 'HOST:PORT' or '[IPv6]:PORT'; a server on every interface is reached on the loopback address."""
    host, _, port = address.rpartition(":")
    if not host or host in EVERY_INTERFACE:
        host = "127.0.0.1"
    return f"http://{host}:{port}"


class Command(BaseCommand):
    help = "Loads the demo accounts and data on first run; later runs leave everything as it is."

    def add_arguments(self, parser):
        parser.add_argument(
            "--address",
            default=DEFAULT_ADDRESS,
            help="The address the server will run on (make run's HOST_PORT), for the links printed.",
        )

    def handle(self, *args, **options):
        url = base_url(options["address"])
        if User.objects.filter(email=DEMO_EMAIL).exists():
            self.stdout.write(f"Carbonexia is running at {url} (demo data already loaded).")
            return
        with transaction.atomic():
            owner = user_register(email=DEMO_EMAIL, password=DEMO_PASSWORD, full_name="Demo Facility Manager")
            verifier = user_register(email=DEMO_VERIFIER_EMAIL, password=DEMO_PASSWORD, full_name="Demo Verifier")
            user_grant_role(actor="load_demo", user=verifier, role=Role.VERIFIER)
            building = demo_building_load(owner=owner)
            demo_credits_load(owner=owner, verifier=verifier, building=building)
        self.stdout.write(
            f"Carbonexia is running at {url}\n"
            f"  facility manager: {DEMO_EMAIL} / {DEMO_PASSWORD}  (portal: {url}/portal/)\n"
            f"  verifier:         {DEMO_VERIFIER_EMAIL} / {DEMO_PASSWORD}  (admin: {url}/admin/)\n"
            f"  API docs:         {url}/docs"
        )
