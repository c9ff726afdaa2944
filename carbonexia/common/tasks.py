from celery import shared_task
from django.db.models import Model
from kombu.exceptions import OperationalError

from .errors import Unavailable

# Fail fast when the broker is down: the request answers 503 instead of hanging.
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
NOT_YET_COMMITTED_RETRIES = 20


@shared_task(name="common.echo")
def echo(value):
    """Round-trips a value through the broker and result backend: proves a worker is alive."""
    return value


def enqueue(task, *args) -> None:
    """Sends `task` from inside the caller's transaction. If the broker refuses, the error rolls the
    transaction back: the record and its task exist together or not at all (the client gets 503)."""
    try:
        task.apply_async(args=args, retry=True, retry_policy=PUBLISH_RETRY)
    except OperationalError:
        raise Unavailable(
            "The task queue is unavailable right now, so nothing was stored; try again in a minute.",
            code="queue_unavailable",
        ) from None


def committed(task, model: type[Model], pk, **select):
    """The row a task was sent for; the task retries while the sending transaction has not committed yet."""
    row = model.objects.select_related(*select.get("related", ())).filter(pk=pk).first()
    if row is None:
        raise task.retry(countdown=0.5, max_retries=NOT_YET_COMMITTED_RETRIES)
    return row
