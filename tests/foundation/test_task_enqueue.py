"""`enqueue` by a task's name: the service need not import the task module, and nothing else changes — eager
mode runs the task in-process, a broker refusal is a 503 that rolls the caller's transaction back."""

import pytest
from celery import current_app, shared_task
from celery.exceptions import NotRegistered
from django.db import transaction
from kombu.exceptions import OperationalError

from accounts.models import User
from carbonexia.common.errors import Unavailable
from carbonexia.common.tasks import enqueue

PROBE = "tests.enqueue_probe"
ran: list[tuple] = []


@shared_task(name=PROBE)
def probe(*args):
    """Records what it was sent, and whether the sender's uncommitted row was visible to it."""
    ran.append((*args, User.objects.filter(email="sender@example.test").exists()))
    return args


@pytest.fixture(autouse=True)
def _fresh():
    ran.clear()


@pytest.mark.django_db
def test_a_task_named_runs_in_process_inside_the_senders_transaction_when_eager(tasks_in_process):
    with transaction.atomic():
        User.objects.create_user(email="sender@example.test", password=None)
        enqueue(PROBE, "a", 1)
    assert ran == [("a", 1, True)]


@pytest.mark.django_db
def test_a_task_named_or_passed_takes_the_same_path(tasks_in_process):
    enqueue(PROBE, "by name")
    enqueue(probe, "by task")
    assert ran == [("by name", False), ("by task", False)]


@pytest.mark.django_db
def test_a_broker_refusal_is_unavailable_and_rolls_the_senders_transaction_back(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis. Connection refused.")

    monkeypatch.setattr(current_app.tasks[PROBE], "apply_async", refuse)
    with pytest.raises(Unavailable) as refused, transaction.atomic():
        User.objects.create_user(email="sender@example.test", password=None)
        enqueue(PROBE, "lost")
    assert (refused.value.status, refused.value.code) == (503, "queue_unavailable")
    assert not User.objects.filter(email="sender@example.test").exists()
    assert ran == []


def test_an_unknown_name_is_refused_rather_than_sent_nowhere():
    with pytest.raises(NotRegistered):
        enqueue("tests.no_such_task", 1)
