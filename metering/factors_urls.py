from carbonexia.common.routes import api_path

from .factors_api import EmissionFactorListView

urlpatterns = [
    *api_path("emission-factors", EmissionFactorListView.as_view(), name="emission-factors"),
]
