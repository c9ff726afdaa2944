from django.core.management.base import BaseCommand

from buildings.models import Building
from mrv.tasks import portfolio_chord


class Command(BaseCommand):
    help = "Recomputes the last 12 months of MRV for every building, one Celery task per batch of buildings."

    def add_arguments(self, parser):
        parser.add_argument(
            "--wait", type=int, default=0, metavar="SECONDS", help="Wait up to this long for the summary and print it."
        )

    def handle(self, *args, wait, **options):
        if not Building.objects.exists():
            self.stdout.write("No buildings to recompute.")
            return
        result = portfolio_chord()
        self.stdout.write(f"Recomputing {Building.objects.count()} buildings (chord {result.id}).")
        if wait:
            summary = result.get(timeout=wait)
            self.stdout.write(
                f"{summary['computed']} of {summary['buildings']} buildings computed: "
                f"{summary['savings_kwh']:,.0f} kWh saved, {summary['co2_saved_kg'] / 1000:,.1f} t CO2e."
            )
