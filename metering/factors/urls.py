from carbonexia.common.routes import api_path

from .api import EmissionFactorListView

urlpatterns = [
    *api_path("emission-factors", EmissionFactorListView.as_view(), name="emission-factors"),
]
