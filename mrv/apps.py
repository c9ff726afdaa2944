from django.apps import AppConfig


class MrvConfig(AppConfig):
    name = "mrv"
    verbose_name = "MRV"

    def ready(self):
        from metering.readings.services import readings_stored

        from . import tasks  # noqa: F401  (registers the tasks enqueued by name)
        from .anomalies import anomalies_detect_after_ingest

        readings_stored.connect(anomalies_detect_after_ingest, dispatch_uid="mrv-anomalies-after-ingest")
