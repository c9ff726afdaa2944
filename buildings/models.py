from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from carbonexia.common.models import BaseModel

from .validators import validate_finite, validate_grid_region, validate_timezone


class BuildingType(models.TextChoices):
    COMMERCIAL_OFFICE = "commercial_office", "Commercial office"
    RETAIL = "retail", "Retail"
    HOSPITAL = "hospital", "Hospital"
    HOTEL = "hotel", "Hotel"
    EDUCATION = "education", "Education"
    DATA_CENTER = "data_center", "Data center"
    INDUSTRIAL = "industrial", "Industrial"
    WAREHOUSE = "warehouse", "Warehouse"
    RESIDENTIAL = "residential", "Residential"
    OTHER = "other", "Other"


_PERCENT = [MinValueValidator(0), MaxValueValidator(100)]
# The API and the portal take areas up to this; the largest buildings under one roof are near 2e7 sq ft.
MAX_AREA_SQFT = 1e9
# An admin may set a building's power ceiling within these bounds; the densest data halls draw a few hundred.
POWER_CEILING_RANGE = (1.0, 1000.0)
# Ground level from the Dead Sea shore (-430 m) to the highest settlements (about 5,100 m), with margin.
ELEVATION_RANGE_M = (-450.0, 6000.0)


class WeatherStation(BaseModel):
    """Where a building's outdoor temperatures are measured; several buildings may share one."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="weather_stations")
    name = models.CharField(max_length=200)
    latitude = models.FloatField()
    longitude = models.FloatField()
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    # The public station this one mirrors ("ghcnh:USW00014732"); empty for a station its owner fills by hand.
    source_id = models.CharField(max_length=40, blank=True, editable=False)
    # Bumped with every change to the station's temperatures (`station_data_changed`): what is read from them
    # is cached under it, across the data versions of the buildings linked to the station.
    data_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(latitude__gte=-90, latitude__lte=90), name="station_latitude"),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180), name="station_longitude"
            ),
            models.UniqueConstraint(
                fields=["owner", "source_id"], condition=~models.Q(source_id=""), name="station_source_per_owner"
            ),
        ]

    def __str__(self):
        return self.name


class Building(BaseModel):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="buildings")
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=500, blank=True)
    building_type = models.CharField(max_length=32, choices=BuildingType.choices, default=BuildingType.OTHER)
    area_sqft = models.FloatField(
        validators=[
            MinValueValidator(0.0, message="must be greater than 0"),
            MaxValueValidator(MAX_AREA_SQFT, message=f"must be at most {MAX_AREA_SQFT:,.0f} sq ft"),
        ]
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    occupancy_weekday = models.PositiveSmallIntegerField(default=100, validators=_PERCENT)
    occupancy_weekend = models.PositiveSmallIntegerField(default=20, validators=_PERCENT)
    grid_region = models.CharField(max_length=16, blank=True, validators=[validate_grid_region])
    weather_station = models.ForeignKey(
        WeatherStation, null=True, blank=True, on_delete=models.SET_NULL, related_name="buildings"
    )
    # Where the building stands, entered or picked on the form (no geocoding): its weather is fetched for them.
    latitude = models.FloatField(
        null=True, blank=True, validators=[validate_finite, MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        null=True, blank=True, validators=[validate_finite, MinValueValidator(-180), MaxValueValidator(180)]
    )
    elevation_m = models.FloatField(
        "elevation (m)",
        null=True,
        blank=True,
        validators=[validate_finite, MinValueValidator(ELEVATION_RANGE_M[0]), MaxValueValidator(ELEVATION_RANGE_M[1])],
        help_text="Ground level above sea level; stations far above or below it are passed over.",
    )
    # Set by an admin only (never through the API or the portal): it decides which readings are accepted.
    max_power_w_per_sqft = models.FloatField(
        "power ceiling (W per sq ft)",
        null=True,
        blank=True,
        validators=[MinValueValidator(POWER_CEILING_RANGE[0]), MaxValueValidator(POWER_CEILING_RANGE[1])],
        help_text="The most average power per sq ft of floor area a meter reading may imply. Empty: the "
        "platform default (MAX_POWER_W_PER_SQFT). Raise it for data centres and other dense loads.",
    )
    # Bumped in the same transaction as any change to the data MRV results rest on; results are cached
    # under it, so a change can never be answered from a stale cache.
    data_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(area_sqft__gt=0), name="building_area_positive"),
            models.CheckConstraint(condition=models.Q(area_sqft__lte=MAX_AREA_SQFT), name="building_area_at_most"),
            models.CheckConstraint(
                condition=models.Q(max_power_w_per_sqft__isnull=True)
                | models.Q(max_power_w_per_sqft__range=POWER_CEILING_RANGE),
                name="building_power_ceiling_range",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__range=(-90, 90), longitude__range=(-180, 180)),
                name="building_coordinates",
            ),
            models.CheckConstraint(
                condition=models.Q(elevation_m__isnull=True) | models.Q(elevation_m__range=ELEVATION_RANGE_M),
                name="building_elevation_range",
            ),
            models.CheckConstraint(condition=models.Q(occupancy_weekday__lte=100), name="building_weekday_pct"),
            models.CheckConstraint(condition=models.Q(occupancy_weekend__lte=100), name="building_weekend_pct"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if (self.latitude is None) != (self.longitude is None):
            missing = "longitude" if self.longitude is None else "latitude"
            raise ValidationError({missing: "Give latitude and longitude together, or neither."})

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def power_ceiling_w_per_sqft(self) -> float:
        """The ceiling the building's readings are held to: its own, else the platform default."""
        return self.max_power_w_per_sqft or settings.MAX_POWER_W_PER_SQFT


class EventType(models.TextChoices):
    RETROFIT = "retrofit", "Retrofit"
    OCCUPANCY_CHANGE = "occupancy_change", "Occupancy change"
    SHUTDOWN = "shutdown", "Shutdown"
    EQUIPMENT_FAILURE = "equipment_failure", "Equipment failure"


class ProjectEvent(BaseModel):
    """Evidence for additionality (retrofits) and non-routine adjustments (shutdowns, occupancy)."""

    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="events")
    event_type = models.CharField(max_length=32, choices=EventType.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    occupancy_pct = models.PositiveSmallIntegerField(null=True, blank=True, validators=_PERCENT)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["start_date", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="event_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.get_event_type_display()} from {self.start_date}"
