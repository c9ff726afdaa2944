from django.apps import AppConfig


class MeteringConfig(AppConfig):
    name = "metering"

    def ready(self):
        # Services queue these tasks by name; a web process must know them too, not only a worker (whose
        # autodiscovery looks for metering.tasks, which sub-packages do not have), so eager mode runs them.
        from .bills import tasks as bill_tasks  # noqa: F401
        from .readings import tasks as reading_tasks  # noqa: F401
