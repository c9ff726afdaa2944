"""The portal's forms. They check input the way the API's serializers do; what only a service can judge
comes back as a ServiceError, which `PortalForm.refuse` puts on the form inline."""

import calendar
import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import pretty_name

from accounts.forms import LoginForm as AccountLoginForm
from buildings.models import ELEVATION_RANGE_M, BuildingType, EventType, WeatherStation
from buildings.selectors import stations_visible_to
from carbonexia.common import calendar as calendar_span
from carbonexia.common.errors import ServiceError
from carbonexia.common.timezones import known_timezones
from carbonexia.events import EVENT_LABELS, EVENT_TYPES
from credits.portfolio import DEFAULT_SORT, SEARCH_MAX_LENGTH
from mrv.models import Method
from mrv.selectors import MAX_MONTHS


class PortalForm(forms.Form):
    error_css_class = "has-error"
    required_css_class = "required"
    # A service's name for a field → this form's, where they differ.
    service_fields: dict[str, str] = {}
    refusal: ServiceError | None = None

    def refuse(self, error: ServiceError) -> None:
        """Shows a service's refusal: its field messages on the fields, its sentence above the form, both with the
        service's field names (start_date) said with this form's labels (the start date)."""
        self.refusal = error
        for field, messages in (error.errors or {}).items():
            name = self.service_fields.get(field, field)
            if name in self.fields and isinstance(messages, list):
                self.add_error(name, [self.in_words(str(message)) for message in messages])
        self.add_error(None, self.in_words(error.detail))

    def in_words(self, message: str) -> str:
        names = {name: name for name in self.fields} | self.service_fields
        names = {service: name for service, name in names.items() if "_" in service and name in self.fields}
        if not names:
            return message
        pattern = r"\b(" + "|".join(re.escape(service) for service in sorted(names, key=len, reverse=True)) + r")\b"
        return re.sub(pattern, lambda found: self._label_in_words(names[found.group(1)]), message)

    def _label_in_words(self, name: str) -> str:
        label = str(self.fields[name].label or pretty_name(name))
        # "Start date" → "the start date"; an acronym keeps its capitals ("URL", "kWh consumed").
        if len(label) > 1 and not label[1].isupper():
            label = label[0].lower() + label[1:]
        return f"the {label}"

    @property
    def status(self) -> int:
        if self.refusal is not None:
            return self.refusal.status
        return 422 if self.errors else 200


class ExactNumberInput(forms.NumberInput):
    """A stored float as a person would type it: 185000.0 shows as 185000, 1250.5 stays 1250.5."""

    def format_value(self, value):
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return super().format_value(value)


class TimezoneInput(forms.TextInput):
    """A text input that suggests the IANA names as the user types."""

    template_name = "portal/widgets/timezone.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = f"{context['widget']['attrs'].get('id', name)}_choices"
        context["widget"]["timezones"] = sorted(known_timezones())
        return context


class TimezoneField(forms.CharField):
    widget = TimezoneInput

    def __init__(self, **kwargs):
        super().__init__(max_length=64, help_text="An IANA name, e.g. Asia/Kolkata.", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self):
        super().__init__(format="%Y-%m", attrs={"placeholder": "YYYY-MM"})


class MonthField(forms.DateField):
    """A calendar month typed as YYYY-MM; its value is the month's first day."""

    widget = MonthInput
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": "Enter a month as YYYY-MM."}


def last_day(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


class MonthForm(PortalForm):
    month = MonthField(required=False, label="Month")


class MonthRangeForm(PortalForm):
    """Draws the dashboard's span of months; portal.ranges reads and checks the query string."""

    start = MonthField(required=False, label="From")
    end = MonthField(required=False, label="To")


class PeriodForm(PortalForm):
    """Whole calendar months, both included: from the first day of the first to the last day of the last."""

    period_start = MonthField(label="First month")
    period_end = MonthField(label="Last month")

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end:
            months = (end.year - start.year) * 12 + end.month - start.month + 1
            if months < 1:
                self.add_error("period_end", "Must not be before the first month.")
            elif months > MAX_MONTHS:
                self.add_error("period_end", f"At most {MAX_MONTHS} months at a time.")
            else:
                data["period_end"] = last_day(end)
        return data


class PortfolioForm(PortalForm):
    """The portfolio's filters and order, read from the query string so a view is a link."""

    # The table's columns in order: sort key (portal.portfolio.SORT_KEYS), heading, numeric, the two orders in words.
    COLUMNS = (
        ("name", "Building", False, ("A to Z", "Z to A")),
        ("type", "Type", False, ("A to Z", "Z to A")),
        ("ytd_kwh", "YTD kWh", True, ("lowest first", "highest first")),
        ("kwh_12m", "12 months kWh", True, ("lowest first", "highest first")),
        ("eui", "EUI kWh/ft² · /m²", True, ("lowest first", "highest first")),
        ("savings_kwh", "Savings kWh", True, ("lowest first", "highest first")),
        ("saved_share", "Saved", True, ("lowest first", "highest first")),
        ("co2", "CO2e avoided t", True, ("lowest first", "highest first")),
        ("issued", "Credits issued", True, ("fewest first", "most first")),
        ("pending", "Pending", True, ("fewest first", "most first")),
        ("retired", "Retired", True, ("fewest first", "most first")),
        ("last_reading", "Latest reading", False, ("oldest first", "newest first")),
        ("issues", "Open issues", False, ("fewest first", "most first")),
    )

    q = forms.CharField(required=False, max_length=SEARCH_MAX_LENGTH, label="Name contains")
    type = forms.ChoiceField(required=False, label="Type", choices=[("", "Every type"), *BuildingType.choices])
    issues = forms.BooleanField(required=False, label="Only buildings with open issues")
    sort = forms.ChoiceField(
        required=False,
        label="Sort by",
        choices=[
            (name, f"{heading}, {words}")
            for key, heading, _, orders in COLUMNS
            for name, words in zip((key, f"-{key}"), orders, strict=True)
        ],
    )

    def choices(self) -> dict:
        """The valid choices, each unusable one left at its default (the page says which were ignored)."""
        data = self.cleaned_data if self.is_bound else {}
        return {
            "search": data.get("q") or "",
            "building_type": data.get("type") or "",
            "has_issues": bool(data.get("issues")),
            "sort": data.get("sort") or DEFAULT_SORT,
        }


class LoginForm(AccountLoginForm):
    error_css_class = "has-error"


class RegisterForm(PortalForm):
    email = forms.EmailField(max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    full_name = forms.CharField(max_length=200, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    password = forms.CharField(
        max_length=128, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password_again = forms.CharField(
        max_length=128, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", "The two passwords differ.")
        return data


class StationAndLocationForm(PortalForm):
    """The building's weather station, or its coordinates for one to be chosen and fetched."""

    weather_station = forms.ModelChoiceField(
        queryset=WeatherStation.objects.none(), required=False, empty_label="No station"
    )
    latitude = forms.FloatField(
        required=False, min_value=-90, max_value=90, help_text="Decimal degrees, e.g. 12.9716 (north is positive)."
    )
    longitude = forms.FloatField(
        required=False,
        min_value=-180,
        max_value=180,
        help_text="Decimal degrees, e.g. 77.5946 (east is positive). With the latitude, the nearest suitable "
        "NOAA weather station is chosen and its hourly temperatures are fetched.",
    )
    elevation_m = forms.FloatField(
        label="Elevation (m)",
        required=False,
        min_value=ELEVATION_RANGE_M[0],
        max_value=ELEVATION_RANGE_M[1],
        help_text="Optional: ground level above sea level, so a station far above or below is passed over.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weather_station"].queryset = stations_visible_to(user)


class BuildingForm(StationAndLocationForm):
    service_fields = {"weather_station_id": "weather_station"}
    # The building's own fields first, then its weather (declared on the base class, which Django puts first).
    field_order = [
        *("name", "address", "building_type", "area_sqft", "timezone"),
        *("occupancy_weekday", "occupancy_weekend", "grid_region", "weather_station"),
    ]
    name = forms.CharField(max_length=200)
    address = forms.CharField(max_length=500, required=False)
    building_type = forms.ChoiceField(choices=BuildingType.choices, initial=BuildingType.OTHER)
    area_sqft = forms.FloatField(label="Floor area (sq ft)", max_value=1e9, widget=ExactNumberInput)
    timezone = TimezoneField(initial="UTC")
    occupancy_weekday = forms.IntegerField(label="Weekday occupancy (%)", min_value=0, max_value=100, initial=100)
    occupancy_weekend = forms.IntegerField(label="Weekend occupancy (%)", min_value=0, max_value=100, initial=20)
    grid_region = forms.CharField(
        required=False,
        help_text="Selects the grid's emission factors. Derived from the time zone (Asia/Kolkata → IN) when empty "
        "or when the time zone changes.",
    )

    def clean_area_sqft(self):
        area = self.cleaned_data["area_sqft"]
        if area <= 0:
            raise ValidationError("Must be greater than 0.")
        return area

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data}


class ReadingsForm(PortalForm):
    """Draws the readings chart's choices; portal.ranges reads and checks the query string."""

    interval = forms.ChoiceField(label="Sum per", choices=[("hour", "Hour"), ("day", "Day"), ("month", "Month")])
    start = forms.DateField(required=False, label="From", widget=DateInput())
    end = forms.DateField(required=False, label="To", widget=DateInput())


class StationLinkForm(StationAndLocationForm):
    def __init__(self, *args, user, **kwargs):
        # The new-station form on the same page has its own latitude and longitude: distinct ids keep each
        # label on its own field.
        kwargs.setdefault("auto_id", "location_%s")
        super().__init__(*args, user=user, **kwargs)


class StationForm(PortalForm):
    name = forms.CharField(max_length=200)
    latitude = forms.FloatField(min_value=-90, max_value=90)
    longitude = forms.FloatField(min_value=-180, max_value=180)
    timezone = TimezoneField()


class EventForm(PortalForm):
    event_type = forms.ChoiceField(choices=EventType.choices)
    start_date = forms.DateField(widget=DateInput())
    end_date = forms.DateField(required=False, widget=DateInput())
    occupancy_pct = forms.IntegerField(
        label="Occupancy (%)", min_value=0, max_value=100, required=False, help_text="For an occupancy change."
    )
    description = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BaselineForm(PortalForm):
    method = forms.ChoiceField(choices=[("", "The best the data supports"), *Method.choices], required=False)
    static_kwh = forms.FloatField(
        label="Static kWh per month", min_value=0, max_value=1e12, required=False, help_text="For the static method."
    )
    # Exact days, both included, as the API takes them: a window may start or end within a month.
    baseline_start = forms.DateField(
        required=False,
        label="First day",
        widget=DateInput(),
        error_messages={"invalid": "Enter the first day as a date, e.g. 2023-03-15."},
    )
    baseline_end = forms.DateField(
        required=False,
        label="Last day",
        widget=DateInput(),
        error_messages={"invalid": "Enter the last day as a date, e.g. 2024-03-14."},
        help_text="Both days are included. Leave both empty for the 12 complete months before the first retrofit.",
    )

    def clean(self):
        data = super().clean()
        if data.get("method") == Method.STATIC and data.get("static_kwh") is None:
            self.add_error("static_kwh", "Required for the static method.")
        data["method"] = data.get("method") or None
        start, end = data.get("baseline_start"), data.get("baseline_end")
        for name, day, which in (("baseline_start", start, "first"), ("baseline_end", end, "last")):
            if day and not calendar_span.within(day):
                self.add_error(name, f"The {which} day must be between {calendar_span.FIRST} and {calendar_span.LAST}.")
        if "baseline_start" in data and "baseline_end" in data:  # both given as dates, or both left empty
            if start and not end:
                self.add_error("baseline_end", "Give the last day too, or leave both days empty.")
            elif end and not start:
                self.add_error("baseline_start", "Give the first day too, or leave both days empty.")
            elif start and end and end < start:
                self.add_error("baseline_end", "The last day must not be before the first day.")
        return data


class RetireForm(PortalForm):
    quantity = forms.IntegerField(min_value=1, required=False, help_text="Leave empty to retire the whole block.")
    beneficiary = forms.CharField(max_length=200, help_text="On whose behalf the credits are retired.")
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class BillConfirmForm(PortalForm):
    kwh = forms.FloatField(label="kWh consumed", min_value=0)
    period_start = forms.DateField(label="First day billed", widget=DateInput())
    period_end = forms.DateField(label="Last day billed", widget=DateInput())
    acknowledge_mismatch = forms.BooleanField(
        required=False,
        label="These figures are right as they are",
        help_text="The checks above doubt them; the verifier sees both figures and that you confirmed them.",
    )

    def __init__(self, *args, flagged: bool, **kwargs):
        """The acknowledgement is asked for only when the checks flag the bill, or flag the figures sent."""
        super().__init__(*args, **kwargs)
        if not flagged:
            self.fields["acknowledge_mismatch"].widget = forms.HiddenInput()

    def refuse(self, error: ServiceError) -> None:
        if error.code == "bill_flagged":
            self.fields["acknowledge_mismatch"].widget = forms.CheckboxInput()
        super().refuse(error)


class WebhookForm(PortalForm):
    url = forms.CharField(label="URL", max_length=2000, widget=forms.URLInput, help_text="http or https.")
    events = forms.MultipleChoiceField(
        choices=[(event, EVENT_LABELS[event]) for event in EVENT_TYPES], widget=forms.CheckboxSelectMultiple
    )


class MeterForm(PortalForm):
    device_id = forms.CharField(
        label="Device id",
        max_length=64,
        help_text="As the meter names itself in its topic: letters, digits, dots, underscores or hyphens.",
    )
