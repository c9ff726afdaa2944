from django.apps import AppConfig


class MeteringConfig(AppConfig):
    name = "metering"

    def ready(self):
        # The worker's autodiscovery imports metering.tasks only; the tasks live in sub-packages.
        from .bills import tasks as bill_tasks  # noqa: F401
        from .readings import tasks as reading_tasks  # noqa: F401
