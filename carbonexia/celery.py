"""The Celery app: JSON only, late acks, time limits (see CELERY_* in settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carbonexia.settings")

app = Celery("carbonexia")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
