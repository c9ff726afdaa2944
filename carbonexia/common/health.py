import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.response import Response

log = logging.getLogger(__name__)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:
        log.warning("health: database check failed", exc_info=True)
        return "unavailable"


def _cache_status() -> str:
    try:
        cache.set("health:probe", "1", timeout=5)
        return "ok" if cache.get("health:probe") == "1" else "unavailable"
    except Exception:
        log.warning("health: cache check failed", exc_info=True)
        return "unavailable"


@extend_schema(
    summary="Service health",
    responses={
        200: inline_serializer(
            "Health",
            {
                "status": serializers.CharField(),
                "database": serializers.CharField(),
                "cache": serializers.CharField(),
            },
        ),
        503: inline_serializer("HealthDown", {"status": serializers.CharField(), "database": serializers.CharField()}),
    },
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([])
@throttle_classes([])
def health(request):
    database = _database_status()
    body = {
        "status": "ok" if database == "ok" else "degraded",
        "database": database,
        "cache": _cache_status(),
    }
    if settings.REDIS_URL == "":
        body["tasks"] = "in-process"
    return Response(body, status=200 if database == "ok" else 503)
