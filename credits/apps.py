from django.apps import AppConfig


class CreditsConfig(AppConfig):
    name = "credits"

    def ready(self):
        from buildings.services import building_deleting

        from .services import credits_withdraw_for_deleted_building

        building_deleting.connect(credits_withdraw_for_deleted_building, dispatch_uid="credits-withdraw")
