import pytest
from django.conf import settings

from carbonexia.common.tasks import echo


@pytest.mark.worker
def test_a_task_round_trips_through_redis_and_a_real_worker(live_worker):
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    result = echo.delay({"hello": "worker"})
    assert result.get(timeout=30) == {"hello": "worker"}
    from django_celery_results.models import TaskResult

    assert TaskResult.objects.filter(task_id=result.id, status="SUCCESS").exists()


@pytest.mark.django_db
def test_tasks_run_in_process_exactly_when_no_redis_is_configured(settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER is (not settings.REDIS_URL)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        assert echo.delay(3).get() == 3
