from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from carbonexia.common.api import paginated, validated
from carbonexia.common.pagination import PageNumberPagination

from . import selectors, services
from .models import ELEVATION_RANGE_M, Building, BuildingType, EventType, ProjectEvent
from .selectors import station_for_link


class OccupancyProfile(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=100)
    weekend = serializers.IntegerField(min_value=0, max_value=100)


class BuildingOut(serializers.ModelSerializer):
    building_id = serializers.UUIDField(source="id")
    occupancy_profile = serializers.SerializerMethodField()
    weather_station_id = serializers.UUIDField(allow_null=True)

    class Meta:
        model = Building
        fields = [
            "building_id",
            "name",
            "address",
            "building_type",
            "area_sqft",
            "timezone",
            "occupancy_profile",
            "grid_region",
            "weather_station_id",
            "latitude",
            "longitude",
            "elevation_m",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(OccupancyProfile)
    def get_occupancy_profile(self, building) -> dict[str, int]:
        return {"weekday": building.occupancy_weekday, "weekend": building.occupancy_weekend}


class BuildingIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    building_type = serializers.ChoiceField(choices=BuildingType.choices, required=False)
    area_sqft = serializers.FloatField(min_value=0.000001, max_value=1e9)
    timezone = serializers.CharField(max_length=64, required=False)
    occupancy_profile = OccupancyProfile(required=False)
    grid_region = serializers.CharField(max_length=16, required=False)
    weather_station_id = serializers.UUIDField(required=False, allow_null=True)
    latitude = serializers.FloatField(
        min_value=-90, max_value=90, required=False, allow_null=True, help_text="Decimal degrees, WGS 84."
    )
    longitude = serializers.FloatField(
        min_value=-180, max_value=180, required=False, allow_null=True, help_text="Decimal degrees, WGS 84."
    )
    elevation_m = serializers.FloatField(
        min_value=ELEVATION_RANGE_M[0],
        max_value=ELEVATION_RANGE_M[1],
        required=False,
        allow_null=True,
        help_text="Ground level in metres above sea level; optional, it lets the weather station choice weigh "
        "the elevation difference.",
    )

    def to_service_fields(self, user) -> dict:
        data = dict(self.validated_data)
        profile = data.pop("occupancy_profile", None)
        if profile is not None:
            data["occupancy_weekday"], data["occupancy_weekend"] = profile["weekday"], profile["weekend"]
        if "weather_station_id" in data:
            station_id = data.pop("weather_station_id")
            data["weather_station"] = station_for_link(user=user, station_id=station_id) if station_id else None
        return data


class BuildingCreated(serializers.Serializer):
    building_id = serializers.UUIDField()
    status = serializers.CharField()


class EventSerializer(serializers.ModelSerializer):
    event_id = serializers.UUIDField(source="id", read_only=True)
    building_id = serializers.UUIDField(read_only=True)
    event_type = serializers.ChoiceField(choices=EventType.choices)
    occupancy_pct = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    recorded_by = serializers.EmailField(source="recorded_by.email", read_only=True)

    class Meta:
        model = ProjectEvent
        fields = [
            "event_id",
            "building_id",
            "event_type",
            "start_date",
            "end_date",
            "description",
            "occupancy_pct",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class BuildingListView(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(responses={200: BuildingOut(many=True)}, summary="Buildings the caller may see")
    def get(self, request):
        queryset = selectors.buildings_visible_to(request.user).select_related("weather_station")
        return paginated(request, self, queryset, BuildingOut)

    @extend_schema(request=BuildingIn, responses={201: BuildingCreated}, summary="Register a building")
    def post(self, request):
        incoming = BuildingIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        building = services.building_create(owner=request.user, **incoming.to_service_fields(request.user))
        return Response({"building_id": str(building.pk), "status": "created"}, status=status.HTTP_201_CREATED)


class BuildingDetailView(APIView):
    @extend_schema(responses={200: BuildingOut}, summary="One building")
    def get(self, request, building_id):
        return Response(BuildingOut(selectors.building_for_read(user=request.user, building_id=building_id)).data)

    @extend_schema(
        request=BuildingIn(partial=True),
        responses={200: BuildingOut},
        summary="Change a building",
        description="Setting or changing `latitude`/`longitude` (or `elevation_m`) also queues a weather fetch for "
        "the new place, and the response does not wait for it (as a 202 would not): follow it at "
        "GET /buildings/{id}/weather, whose status is `pending` until the worker is done. Latitude and longitude "
        "are given together.",
    )
    def patch(self, request, building_id):
        building = selectors.building_for_write(user=request.user, building_id=building_id)
        incoming = BuildingIn(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        building = services.building_update(
            actor=request.user, building=building, **incoming.to_service_fields(request.user)
        )
        return Response(BuildingOut(building).data)

    @extend_schema(
        responses={204: None, 409: OpenApiResponse(description="The building has issued or retired credits.")},
        summary="Delete a building and its data",
    )
    def delete(self, request, building_id):
        building = selectors.building_for_write(user=request.user, building_id=building_id)
        services.building_delete(actor=request.user, building=building)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EventListView(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(responses={200: EventSerializer(many=True)}, summary="A building's project events")
    def get(self, request, building_id):
        building = selectors.building_for_read(user=request.user, building_id=building_id)
        return paginated(request, self, selectors.events_of(building).select_related("recorded_by"), EventSerializer)

    @extend_schema(request=EventSerializer, responses={201: EventSerializer}, summary="Record a project event")
    def post(self, request, building_id):
        building = selectors.building_for_write(user=request.user, building_id=building_id)
        data = validated(EventSerializer, request.data)
        event = services.event_record(building=building, recorded_by=request.user, **data)
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)
