from carbonexia.common.routes import api_path

from . import api

urlpatterns = [
    *api_path("buildings", api.BuildingListView.as_view(), name="buildings"),
    *api_path("buildings/<uuid:building_id>", api.BuildingDetailView.as_view(), name="building"),
    *api_path("buildings/<uuid:building_id>/events", api.EventListView.as_view(), name="building-events"),
]
