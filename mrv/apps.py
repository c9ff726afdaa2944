from django.apps import AppConfig


class MrvConfig(AppConfig):
    name = "mrv"
    verbose_name = "MRV"
