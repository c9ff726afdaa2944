from carbonexia.common.routes import api_path

from . import api

urlpatterns = [
    *api_path("baseline/calculate", api.BaselineCalculateView.as_view(), name="baseline-calculate"),
    *api_path("baseline/<uuid:building_id>", api.BaselineHistoryView.as_view(), name="baseline-history"),
    *api_path("mrv/<uuid:building_id>/summary", api.MrvSummaryView.as_view(), name="mrv-summary"),
    *api_path("mrv/<uuid:building_id>/savings", api.MrvSavingsView.as_view(), name="mrv-savings"),
    *api_path("mrv/<uuid:building_id>/anomalies", api.MrvAnomaliesView.as_view(), name="mrv-anomalies"),
]
