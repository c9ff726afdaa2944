"""metering's models live in its sub-packages; Django's app registry finds them through this module (import
them from their sub-package, not from here)."""

from .bills.models import UtilityBill  # noqa: F401
from .factors.models import EmissionFactor  # noqa: F401
from .meters.models import DeadLetter, Meter  # noqa: F401
from .readings.models import MeterReading  # noqa: F401
from .uploads.models import Upload  # noqa: F401
from .weather.models import BuildingWeather, SourceStation, TemperatureReading  # noqa: F401
