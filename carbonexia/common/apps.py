from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "carbonexia.common"
    label = "common"

    def ready(self):
        from . import staticfiles  # noqa: F401 - registers its system check
