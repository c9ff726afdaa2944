from django.apps import AppConfig
from django.conf import settings


class MeteringConfig(AppConfig):
    name = "metering"

    def ready(self):
        # Services queue these tasks by name; a web process must know them too, not only a worker (whose
        # autodiscovery looks for metering.tasks, which sub-packages do not have), so eager mode runs them.
        from buildings.services import building_located, building_zone_changed

        from .bills import tasks as bill_tasks  # noqa: F401
        from .parsers.csv_table import CsvLimits, limit_csv
        from .readings import tasks as reading_tasks  # noqa: F401
        from .readings.rollup import on_building_zone_changed
        from .weather import tasks as weather_tasks  # noqa: F401
        from .weather.fetching import on_building_located

        building_located.connect(on_building_located, dispatch_uid="metering.weather.fetch")
        building_zone_changed.connect(on_building_zone_changed, dispatch_uid="metering.readings.days")

        # The parsers are pure: the bounds on an uploaded CSV's shape reach them once, from the settings.
        limit_csv(CsvLimits(max_columns=settings.CSV_MAX_COLUMNS, max_line_bytes=settings.CSV_MAX_LINE_BYTES))
