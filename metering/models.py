"""metering's models live in its sub-packages; Django's app registry finds them through this module."""

from .bills.models import UtilityBill
from .factors.models import EmissionFactor
from .readings.models import MeterReading
from .uploads.models import Upload
from .weather.models import TemperatureReading

__all__ = ["EmissionFactor", "MeterReading", "TemperatureReading", "Upload", "UtilityBill"]
