from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "carbonexia.common"
    label = "common"
