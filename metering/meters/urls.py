from carbonexia.common.routes import api_path

from .api import MeterDetailView, MeterListView

urlpatterns = [
    *api_path("buildings/<uuid:building_id>/meters", MeterListView.as_view(), name="building-meters"),
    *api_path("buildings/<uuid:building_id>/meters/<uuid:meter_id>", MeterDetailView.as_view(), name="building-meter"),
]
