import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from metering.meters.consumer import MeterConsumer


class Command(BaseCommand):
    help = "Consume smart meters' readings from MQTT (carbonexia/meters/+/readings) until SIGTERM or SIGINT."

    def handle(self, *args, **options):
        try:
            consumer = MeterConsumer(
                broker_url=settings.MQTT_BROKER_URL,
                client_id=settings.MQTT_CLIENT_ID,
                batch_size=settings.MQTT_BATCH_SIZE,
                batch_ms=settings.MQTT_BATCH_MS,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        for stop_signal in (signal.SIGTERM, signal.SIGINT):
            signal.signal(stop_signal, lambda *_: consumer.stop())
        consumer.run()
