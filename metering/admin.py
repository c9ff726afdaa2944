"""metering's admin classes live in its sub-packages; Django's admin autodiscovery finds them through this module."""

from .bills import admin as bills_admin  # noqa: F401
from .factors import admin as factors_admin  # noqa: F401
from .meters import admin as meters_admin  # noqa: F401
from .uploads import admin as uploads_admin  # noqa: F401
from .weather import admin as weather_admin  # noqa: F401
