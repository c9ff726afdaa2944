from carbonexia.common.routes import api_path

from .api import MeterCsvUploadView, MeterGreenButtonUploadView, MeterReadingsView, ReadingsQueryView

urlpatterns = [
    *api_path("meter/readings", MeterReadingsView.as_view(), name="meter-readings"),
    *api_path("meter/upload-csv", MeterCsvUploadView.as_view(), name="meter-upload-csv"),
    *api_path("meter/upload-greenbutton", MeterGreenButtonUploadView.as_view(), name="meter-upload-greenbutton"),
    *api_path("meter/<uuid:building_id>/readings", ReadingsQueryView.as_view(), name="meter-building-readings"),
]
