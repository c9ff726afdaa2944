from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from buildings.models import WeatherStation
from buildings.selectors import building_for_read, station_for_write, stations_visible_to
from buildings.services import station_create
from carbonexia.common.pagination import PageNumberPagination
from carbonexia.common.uploads import uploaded_file

from ..readings.api import AcceptedOut, accepted_body
from ..uploads.api import CsvUploadedOut, csv_upload_response, date_order_field
from .models import FetchStatus
from .selectors import building_weather
from .services import temperature_batch_ingest, temperature_csv_upload


class StationSerializer(serializers.ModelSerializer):
    station_id = serializers.UUIDField(source="id", read_only=True)
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    timezone = serializers.CharField(max_length=64, default="UTC")

    class Meta:
        model = WeatherStation
        fields = ["station_id", "name", "latitude", "longitude", "timezone", "created_at"]
        read_only_fields = ["created_at"]


class TemperatureIn(serializers.Serializer):
    timestamp = serializers.CharField(required=False)
    date = serializers.DateField(required=False)
    temperature_c = serializers.FloatField()


class TemperaturesIn(serializers.Serializer):
    readings = TemperatureIn(many=True)


class TemperatureCsvIn(serializers.Serializer):
    # An empty file is the parser's to refuse (invalid_file), as for every other unreadable file.
    file = serializers.FileField(
        allow_empty_file=True, help_text="A CSV (UTF-8 or Latin-1) or an Excel workbook (.xlsx): its first sheet."
    )
    date_order = date_order_field()


class StationListView(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(responses={200: StationSerializer(many=True)}, summary="Weather stations the caller may see")
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(stations_visible_to(request.user), request, view=self)
        return paginator.get_paginated_response(StationSerializer(page, many=True).data)

    @extend_schema(request=StationSerializer, responses={201: StationSerializer}, summary="Register a station")
    def post(self, request):
        incoming = StationSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        station = station_create(owner=request.user, **incoming.validated_data)
        return Response(StationSerializer(station).data, status=status.HTTP_201_CREATED)


class StationReadingsView(APIView):
    @extend_schema(
        request=TemperaturesIn,
        responses={202: AcceptedOut},
        summary="Send hourly temperatures (timestamp) or daily means (date)",
    )
    def post(self, request, station_id):
        station = station_for_write(user=request.user, station_id=station_id)
        items = request.data.get("readings") if isinstance(request.data, dict) else None
        if not isinstance(items, list):
            raise serializers.ValidationError({"readings": ["Must be a list of {timestamp or date, temperature_c}."]})
        counts = temperature_batch_ingest(actor=request.user, station=station, items=items)
        return Response(accepted_body(counts), status=status.HTTP_202_ACCEPTED)


class StationCsvUploadView(APIView):
    @extend_schema(
        request={"multipart/form-data": TemperatureCsvIn},
        responses={201: CsvUploadedOut},
        summary="Upload a temperature CSV (date or timestamp, temperature_c)",
    )
    def post(self, request, station_id):
        station = station_for_write(user=request.user, station_id=station_id)
        data, filename = uploaded_file(request)
        form = TemperatureCsvIn(data=request.data)
        form.is_valid(raise_exception=True)
        date_order = form.validated_data.get("date_order", "")
        return csv_upload_response(
            temperature_csv_upload(
                actor=request.user, station=station, data=data, filename=filename, date_order=date_order
            )
        )


class WeatherStationChosenOut(serializers.Serializer):
    station_id = serializers.UUIDField(help_text="The building's weather station (GET /weather/stations).")
    source_id = serializers.CharField(
        help_text="The public station it mirrors, e.g. ghcnh:USW00014732; empty for a station filled by hand."
    )
    name = serializers.CharField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()


class StationCandidateOut(serializers.Serializer):
    station_id = serializers.CharField(help_text="GHCNh station id.")
    name = serializers.CharField()
    description = serializers.CharField(help_text='e.g. "12 km away, 40 m lower, 98 % of hours in 2025".')
    refused = serializers.CharField(help_text="Why the station is unsuitable; empty when it is suitable.")


class MonthCoverageOut(serializers.Serializer):
    period = serializers.CharField(help_text="UTC calendar month, YYYY-MM.")
    hours = serializers.IntegerField(help_text="Hours with a stored temperature.")
    expected_hours = serializers.IntegerField(source="expected", help_text="Hours of the month (so far).")
    coverage = serializers.FloatField(help_text="hours / expected_hours, 0 to 1.")


class BuildingWeatherOut(serializers.Serializer):
    building_id = serializers.UUIDField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    elevation_m = serializers.FloatField(allow_null=True)
    status = serializers.ChoiceField(
        choices=["not_located", "not_requested", *FetchStatus.values],
        help_text="not_located: no coordinates; pending: a fetch is queued; ok: the last fetch stored what the "
        "source had; no_station: no suitable station near the building; unreachable: the source could not be "
        "reached (stored temperatures and CSV uploads are unaffected); failed: the source sent unreadable data.",
    )
    message = serializers.CharField(allow_blank=True)
    requested_at = serializers.DateTimeField(allow_null=True)
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    last_success_at = serializers.DateTimeField(allow_null=True)
    station = WeatherStationChosenOut(allow_null=True)
    chosen_because = serializers.CharField(allow_blank=True)
    candidates = StationCandidateOut(many=True)
    coverage = MonthCoverageOut(many=True)


class BuildingWeatherView(APIView):
    @extend_schema(
        responses={200: BuildingWeatherOut},
        summary="A building's weather: the station chosen for its coordinates, why, coverage per month, last fetch",
        description="Setting `latitude`/`longitude` (PATCH /buildings/{id}) queues a fetch and answers at once: "
        "this status is `pending` until the worker has chosen a station and stored its hourly temperatures. "
        "The temperatures are topped up nightly.",
    )
    def get(self, request, building_id):
        building = building_for_read(user=request.user, building_id=building_id)
        return Response(BuildingWeatherOut(building_weather(building, now=timezone.now())).data)
