from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from buildings.selectors import building_for_read, building_for_write
from carbonexia.common import calendar
from carbonexia.common.schema import QUEUE_UNAVAILABLE
from carbonexia.common.uploads import uploaded_file

from .. import parsers
from ..bills.selectors import upload_bills
from ..uploads.api import CsvUploadedOut, UploadAcceptedOut, csv_upload_response, date_order_field
from .selectors import RAW_PAGE, readings_page
from .services import meter_batch_ingest, meter_csv_upload, meter_greenbutton_upload

BILL_OVERLAP = OpenApiResponse(
    description="A billing period of the file overlaps a confirmed bill with other days or kWh (code bill_overlap)."
)


MAX_PAGE = 10_000


class ReadingIn(serializers.Serializer):
    timestamp = serializers.CharField()
    kwh = serializers.FloatField()


class ReadingsIn(serializers.Serializer):
    building_id = serializers.UUIDField()
    timestamp = serializers.CharField(required=False, help_text="A single reading (with kwh)…")
    kwh = serializers.FloatField(required=False)
    readings = ReadingIn(many=True, required=False, help_text="…or a batch of readings.")


class AcceptedOut(serializers.Serializer):
    status = serializers.CharField()
    accepted = serializers.IntegerField()
    inserted = serializers.IntegerField()
    updated = serializers.IntegerField()


def _items_of(data) -> list:
    try:
        return parsers.reading_items(data)
    except parsers.InvalidInput:
        raise serializers.ValidationError({"readings": [parsers.BATCH_SHAPE]}) from None


def _building_id(data):
    field = serializers.UUIDField()
    try:
        return field.run_validation(data.get("building_id"))
    except serializers.ValidationError as exc:
        raise serializers.ValidationError({"building_id": exc.detail}) from None


def accepted_body(counts) -> dict:
    return {
        "status": "accepted",
        "accepted": counts.inserted + counts.updated,
        "inserted": counts.inserted,
        "updated": counts.updated,
    }


class MeterReadingsView(APIView):
    @extend_schema(request=ReadingsIn, responses={202: AcceptedOut}, summary="Send one reading or a batch")
    def post(self, request):
        if not isinstance(request.data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Expected a JSON object."]})
        building = building_for_write(user=request.user, building_id=_building_id(request.data))
        counts = meter_batch_ingest(actor=request.user, building=building, items=_items_of(request.data))
        return Response(accepted_body(counts), status=status.HTTP_202_ACCEPTED)


class CsvUploadIn(serializers.Serializer):
    # An empty file is the parser's to refuse (invalid_file), as for every other unreadable file.
    file = serializers.FileField(
        allow_empty_file=True, help_text="A CSV (UTF-8 or Latin-1) or an Excel workbook (.xlsx): its first sheet."
    )
    building_id = serializers.UUIDField()
    date_order = date_order_field()


class MeterCsvUploadView(APIView):
    @extend_schema(
        request={"multipart/form-data": CsvUploadIn},
        responses={201: CsvUploadedOut, 202: UploadAcceptedOut, 503: QUEUE_UNAVAILABLE},
        summary="Upload a meter CSV or .xlsx (timestamp,kwh); large files are processed by a worker",
    )
    def post(self, request):
        data, filename = uploaded_file(request)
        building = building_for_write(user=request.user, building_id=_building_id(request.data))
        form = CsvUploadIn(data=request.data)
        form.is_valid(raise_exception=True)
        date_order = form.validated_data.get("date_order", "")
        return csv_upload_response(
            meter_csv_upload(actor=request.user, building=building, data=data, filename=filename, date_order=date_order)
        )


class GreenButtonUploadIn(serializers.Serializer):
    file = serializers.FileField(help_text="A Green Button (NAESB ESPI) XML download: an Atom feed of usage data.")
    building_id = serializers.UUIDField()
    usage_point = serializers.CharField(
        required=False,
        max_length=255,
        help_text="The id or title of the usage point to import, when the file has several (the 422 lists them).",
    )
    acknowledge_mismatch = serializers.BooleanField(
        default=False,
        help_text="Billing-period data: import periods the bill checks flag (implausible for the floor area, or off "
        "the meter) as they are.",
    )


class GreenButtonUploadedOut(CsvUploadedOut):
    content = serializers.ChoiceField(
        choices=["intervals", "billing_periods"],
        help_text="What the file held: interval readings (stored as readings) or billing periods (stored as bills).",
    )
    bills_created = serializers.IntegerField(
        help_text="Bills created from the file's billing periods (0 for intervals)."
    )
    bills_unchanged = serializers.IntegerField(
        help_text="Billing periods already confirmed with the same days and kWh, left as they are."
    )
    bills = serializers.ListField(
        child=serializers.CharField(), help_text="The ids of the bills created (GET /meter/bills/{id})."
    )


def greenbutton_upload_response(upload) -> Response:
    response = csv_upload_response(upload)
    if response.status_code != status.HTTP_201_CREATED:
        return response
    billing = upload_bills(upload)
    body = {
        **response.data,
        "content": "intervals" if billing is None else "billing_periods",
        "bills_created": 0 if billing is None else len(billing.bills),
        "bills_unchanged": 0 if billing is None else billing.unchanged,
        "bills": [] if billing is None else [bill.public_id for bill in billing.bills],
    }
    return Response(GreenButtonUploadedOut(body).data, status=status.HTTP_201_CREATED)


class MeterGreenButtonUploadView(APIView):
    @extend_schema(
        request={"multipart/form-data": GreenButtonUploadIn},
        responses={201: GreenButtonUploadedOut, 202: UploadAcceptedOut, 409: BILL_OVERLAP, 503: QUEUE_UNAVAILABLE},
        summary="Upload a Green Button (ESPI) file of electricity interval or billing-period data; large files are "
        "processed by a worker",
        description="Interval data: the usage point's electricity delivered to the building (Wh × "
        "10^powerOfTenMultiplier, stored as kWh) is stored like a meter CSV: one Upload, readings replaced at existing "
        "instants. Billing-period data (readings longer than a local day, or usage summaries only): each ended period "
        "becomes a confirmed bill (`bills`), under the rules of a bill confirmation; a period already confirmed with "
        "the same days and kWh is left as it is (`bills_unchanged`), any other overlap with a confirmed bill is 409 "
        "`bill_overlap`. Refused with 422 and nothing stored: gas and other services, exported or net energy only, a "
        "file of several usage points without `usage_point` (errors.usage_points lists them), conflicting readings "
        "for one interval or period, any reading a CSV would refuse and any period a bill confirmation would refuse "
        "(errors.rows by line), and periods the bill checks flag unless `acknowledge_mismatch` (code bill_flagged).",
    )
    def post(self, request):
        data, filename = uploaded_file(request)
        building = building_for_write(user=request.user, building_id=_building_id(request.data))
        form = GreenButtonUploadIn(data=request.data)
        form.is_valid(raise_exception=True)
        upload = meter_greenbutton_upload(
            actor=request.user,
            building=building,
            data=data,
            filename=filename,
            usage_point=form.validated_data.get("usage_point", ""),
            acknowledge_mismatch=form.validated_data["acknowledge_mismatch"],
        )
        return greenbutton_upload_response(upload)


class ReadingsQuery(serializers.Serializer):
    start = serializers.CharField(required=False)
    end = serializers.CharField(required=False)
    interval = serializers.ChoiceField(choices=["raw", "hour", "day", "month"], default="raw")
    cursor = serializers.CharField(required=False)
    limit = serializers.IntegerField(min_value=1, max_value=MAX_PAGE, default=RAW_PAGE)


class ReadingOut(serializers.Serializer):
    timestamp = serializers.DateTimeField()
    kwh = serializers.FloatField()


class ReadingsOut(serializers.Serializer):
    building_id = serializers.UUIDField()
    interval = serializers.CharField()
    readings = ReadingOut(many=True)
    next = serializers.URLField(allow_null=True)


def _instant(value: str | None, *, tz: str, field: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise serializers.ValidationError({field: [f"{value!r} is not an ISO 8601 timestamp."]}) from None
    if not calendar.within(parsed):
        raise serializers.ValidationError({field: [calendar.OUTSIDE]})
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=ZoneInfo(tz))


class ReadingsQueryView(APIView):
    @extend_schema(
        parameters=[ReadingsQuery],
        responses={200: ReadingsOut},
        summary="Readings, raw or summed per hour/day/month in the building's time zone",
    )
    def get(self, request, building_id):
        building = building_for_read(user=request.user, building_id=building_id)
        query = ReadingsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        tz = building.timezone
        start, end = (_instant(params.get(f), tz=tz, field=f) for f in ("start", "end"))
        if start and end and end <= start:
            raise serializers.ValidationError({"end": ["Must be after start."]})
        after = _instant(params.get("cursor"), tz=tz, field="cursor")
        frame = readings_page(
            building=building, start=start, end=end, interval=params["interval"], after=after, limit=params["limit"]
        )
        local = frame["timestamp"].dt.tz_convert(tz)
        readings = [{"timestamp": t.isoformat(), "kwh": k} for t, k in zip(local, frame["kwh"], strict=True)]
        next_url = None
        if len(frame) == params["limit"]:
            next_query = {**request.query_params.dict(), "cursor": readings[-1]["timestamp"]}
            next_url = request.build_absolute_uri(f"{request.path}?{urlencode(next_query)}")
        return Response(
            {"building_id": str(building.pk), "interval": params["interval"], "readings": readings, "next": next_url}
        )
