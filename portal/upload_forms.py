"""The portal's upload forms: one `file` field the upload services take as its bytes and its name, and for
spreadsheets the API's `date_order`."""

from django import forms

from metering.uploads.models import DateOrder

from .forms import PortalForm


class UploadForm(PortalForm):
    """A form of one `file` field, which the upload services take as its bytes and its name."""

    def upload(self) -> dict:
        file = self.cleaned_data["file"]
        return {"data": file.read(), "filename": file.name}


SPREADSHEET_TYPES = ".csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SpreadsheetUploadForm(UploadForm):
    """A CSV or Excel workbook, with the API's `date_order`: needed only when a file's slashed dates do not settle
    it (the service's 422 ambiguous_dates puts its question on this field)."""

    field_order = ["file", "date_order"]
    date_order = forms.ChoiceField(
        label="Dates like 03/04/2025",
        choices=[("", "Tell from the file"), *DateOrder.choices],
        required=False,
        widget=forms.RadioSelect(attrs={"class": "date-order"}),
        help_text="Only for dates written with slashes: a day above 12 settles it, otherwise choose.",
    )

    def upload(self) -> dict:
        return {**super().upload(), "date_order": self.cleaned_data["date_order"]}


class MeterUploadForm(SpreadsheetUploadForm):
    """A meter CSV, Excel workbook or Green Button file: the service tells them apart by their content."""

    file = forms.FileField(
        label="Meter data (CSV, Excel or Green Button)",
        help_text="A CSV or an Excel workbook (.xlsx, first sheet) with a header row, then one reading per row: "
        "timestamp,kwh (times without an offset are read in the building's time zone); or the Green Button XML file "
        "your utility lets you download.",
        widget=forms.ClearableFileInput(attrs={"accept": f"{SPREADSHEET_TYPES},.xml,application/xml,text/xml"}),
    )
    usage_point = forms.CharField(
        required=False,
        max_length=255,
        label="Green Button usage point",
        help_text="Only for a Green Button file with several meters (usage points): the id or title of this "
        "building's. Leave empty otherwise.",
    )

    def upload(self) -> dict:
        return {**super().upload(), "usage_point": self.cleaned_data["usage_point"]}


class TemperatureUploadForm(SpreadsheetUploadForm):
    """On the data page beside the meter upload, so its field ids differ from that form's."""

    file = forms.FileField(
        label="Temperature CSV or Excel",
        help_text="date,temperature_c for daily means, or timestamp,temperature_c for hourly readings (°C).",
        widget=forms.ClearableFileInput(attrs={"accept": SPREADSHEET_TYPES}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="id_temperatures_%s", **kwargs)


class BillUploadForm(UploadForm):
    file = forms.FileField(
        label="Utility bill",
        help_text="A PNG or JPEG photo or scan, or a PDF.",
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.jpg,.jpeg,.pdf,image/png,image/jpeg,application/pdf"}),
    )
