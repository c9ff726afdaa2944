from celery import Task, current_app, shared_task
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


def task_named(name: str) -> Task:
    """The registered task called `name`; its module is imported by its app's `ready()`."""
    return current_app.tasks[name]


def enqueue(task: Task | str, *args, countdown: float | None = None) -> None:
    """Sends `task` from inside the caller's transaction. If the broker refuses, the error rolls the
    transaction back: the record and its task exist together or not at all (the client gets 503).

    A service names its task ("metering.process_bill") rather than importing the task module, which imports
    the service. The name is looked up in the app's registry, not handed to `send_task`, so eager mode still
    runs the task in-process; the task's module must be imported at start-up (its app's `ready()`), and an
    unknown name raises `celery.exceptions.NotRegistered`. `countdown` delays a worker's run by that many
    seconds (eager mode runs at once).
    """
    if isinstance(task, str):
        task = task_named(task)
    try:
        task.apply_async(args=args, countdown=countdown, retry=True, retry_policy=PUBLISH_RETRY)
    except OperationalError:
        raise Unavailable(
            "The task queue is unavailable right now, so nothing was stored; try again in a minute.",
            code="queue_unavailable",
        ) from None


def committed(task, model: type[Model], pk, **select):
    """The row a task was sent for; the task retries while the sending transaction has not committed yet."""
    row = model._default_manager.select_related(*select.get("related", ())).filter(pk=pk).first()
    if row is None:
        raise task.retry(countdown=0.5, max_retries=NOT_YET_COMMITTED_RETRIES)
    return row
