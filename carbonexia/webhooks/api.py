from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from carbonexia.common.api import PAGE_PARAMETERS, page_of, paginated, validated
from carbonexia.common.pagination import PageNumberPagination
from carbonexia.events import EVENT_TYPES

from . import selectors, services
from .models import Webhook, WebhookAttempt, WebhookDelivery


class WebhookIn(serializers.Serializer):
    url = serializers.CharField(max_length=2000, help_text="http or https; must resolve to a public address.")
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_TYPES), allow_empty=False)


class WebhookOut(serializers.ModelSerializer):
    webhook_id = serializers.UUIDField(source="id")
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_TYPES))

    class Meta:
        model = Webhook
        fields = ["webhook_id", "url", "events", "created_at"]


class WebhookCreated(WebhookOut):
    secret = serializers.CharField(help_text="Key of the X-Carbonexia-Signature HMAC; shown only in this answer.")

    class Meta(WebhookOut.Meta):
        fields = [*WebhookOut.Meta.fields, "secret"]


class AttemptOut(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["attempted_at", "status_code", "error", "duration_ms"]


class DeliveryOut(serializers.ModelSerializer):
    delivery_id = serializers.UUIDField(source="id", help_text="Sent as X-Carbonexia-Delivery.")
    attempts = AttemptOut(many=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "delivery_id",
            "event_id",
            "event_type",
            "status",
            "attempt_count",
            "next_attempt_at",
            "last_status_code",
            "last_error",
            "created_at",
            "updated_at",
            "attempts",
        ]


class WebhookListView(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: page_of("WebhookPage", WebhookOut)},
        summary="Your webhooks, without secrets",
    )
    def get(self, request):
        return paginated(request, self, selectors.webhooks_of(request.user), WebhookOut)

    @extend_schema(
        request=WebhookIn,
        responses={
            201: WebhookCreated,
            422: OpenApiResponse(description="Unknown or no events, a refused URL, or 20 webhooks already."),
        },
        summary="Subscribe a URL to events; the signing secret is in this answer only",
    )
    def post(self, request):
        webhook = services.webhook_create(owner=request.user, **validated(WebhookIn, request.data))
        return Response(WebhookCreated(webhook).data, status=status.HTTP_201_CREATED)


class WebhookDetailView(APIView):
    @extend_schema(responses={204: None}, summary="Delete a webhook; its pending deliveries are given up")
    def delete(self, request, webhook_id):
        webhook = selectors.webhook_for_owner(user=request.user, webhook_id=webhook_id)
        services.webhook_delete(actor=request.user, webhook=webhook)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeliveryListView(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: page_of("WebhookDeliveryPage", DeliveryOut)},
        summary="A webhook's deliveries, newest first, each with its attempts",
    )
    def get(self, request, webhook_id):
        webhook = selectors.webhook_for_owner(user=request.user, webhook_id=webhook_id)
        return paginated(request, self, selectors.deliveries_of(webhook), DeliveryOut)
