from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from buildings.selectors import building_for_read, building_for_write
from carbonexia.common.api import paginated, validated
from carbonexia.common.pagination import PageNumberPagination

from . import selectors, services
from .messages import SIGNATURE_PROPERTY
from .models import DEVICE_ID_MESSAGE, Meter

MQTT_DESCRIPTION = f"""\
A registered meter publishes its readings over MQTT (QoS 1) to the topic
`carbonexia/meters/{{device_id}}/readings`. The payload is UTF-8 JSON, one reading
`{{"timestamp": "...", "kwh": ..., "sent_at": "...", "nonce": "..."}}` or a batch
`{{"readings": [{{"timestamp": "...", "kwh": ...}}, ...], "sent_at": "...", "nonce": "..."}}`, the readings
checked like `POST /meter/readings` (timestamps without an offset are read in the building's time zone; no
reading in the future; the building's power ceiling; at most 64 KiB per message).

**Authentication.** Every message carries the MQTT 5 user property `{SIGNATURE_PROPERTY}` with the value
`sha256=<hex HMAC-SHA256 of the exact payload bytes, keyed with the device's secret>` (the scheme of the
webhooks' `X-Carbonexia-Signature`). The secret is returned once, when the meter is registered; the platform
does not store it (it re-derives it from a server-side key to check signatures), so a lost secret means
deleting and registering the meter again.

**Replays.** `sent_at` (the ISO 8601 instant the message is sent, with its UTC offset) and `nonce` (16 to 64
letters, digits, `-` or `_`, new for every message, e.g. a UUID4's hex) are inside the signed payload. A message
sent more than MQTT_REPLAY_WINDOW_SECONDS (a day) before it arrives, dated after its arrival (beyond the clock skew
allowed), or whose nonce the device already used within that window, is refused as a possible replay.

A message that is unsigned, wrongly signed, from an unknown device id or invalid is not stored: it becomes a
dead letter with the reason. Readings are unique per building and instant, so a message delivered twice
(QoS 1 redelivery) stores its readings once (the copy is dead-lettered as a replay); `last_message_at` is when
the newest stored message arrived."""


class MeterIn(serializers.Serializer):
    device_id = serializers.CharField(max_length=64, help_text=DEVICE_ID_MESSAGE)


class MeterOut(serializers.ModelSerializer):
    meter_id = serializers.UUIDField(source="id")
    topic = serializers.SerializerMethodField()

    class Meta:
        model = Meter
        fields = ["meter_id", "device_id", "topic", "last_message_at", "created_at"]

    def get_topic(self, meter) -> str:
        return f"carbonexia/meters/{meter.device_id}/readings"


class MeterCreated(serializers.Serializer):
    meter_id = serializers.UUIDField()
    device_id = serializers.CharField()
    secret = serializers.CharField(help_text="Key of the messages' HMAC signature; shown only in this answer.")


class MeterListView(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(
        responses={200: MeterOut(many=True)},
        summary="A building's smart meters, with the arrival of each one's newest stored message",
        description=MQTT_DESCRIPTION,
    )
    def get(self, request, building_id):
        building = building_for_read(user=request.user, building_id=building_id)
        return paginated(request, self, selectors.meters_of(building), MeterOut)

    @extend_schema(
        request=MeterIn,
        responses={
            201: MeterCreated,
            409: OpenApiResponse(description="The device id is already registered."),
            422: OpenApiResponse(description="A device id that cannot be a topic level, or 100 meters already."),
        },
        summary="Register a smart meter; its signing secret is in this answer only",
        description=MQTT_DESCRIPTION,
    )
    def post(self, request, building_id):
        building = building_for_write(user=request.user, building_id=building_id)
        registered = services.meter_create(actor=request.user, building=building, **validated(MeterIn, request.data))
        body = {"meter_id": registered.meter.pk, "device_id": registered.meter.device_id, "secret": registered.secret}
        return Response(MeterCreated(body).data, status=status.HTTP_201_CREATED)


class MeterDetailView(APIView):
    @extend_schema(responses={204: None}, summary="Remove a smart meter; the readings it sent stay")
    def delete(self, request, building_id, meter_id):
        meter = selectors.meter_for_write(user=request.user, building_id=building_id, meter_id=meter_id)
        services.meter_delete(actor=request.user, meter=meter)
        return Response(status=status.HTTP_204_NO_CONTENT)
