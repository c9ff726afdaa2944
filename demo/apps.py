from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo that `make run` loads: it sits above every app and calls each app's own loader."""

    name = "demo"
