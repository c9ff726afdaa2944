from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self):
        from . import tasks  # noqa: F401  (registers the tasks the services queue by name)
