from carbonexia.common.routes import api_path

from .api import BuildingWeatherView, StationCsvUploadView, StationListView, StationReadingsView

urlpatterns = [
    *api_path("buildings/<uuid:building_id>/weather", BuildingWeatherView.as_view(), name="building-weather"),
    *api_path("weather/stations", StationListView.as_view(), name="weather-stations"),
    *api_path("weather/<uuid:station_id>/readings", StationReadingsView.as_view(), name="weather-readings"),
    *api_path("weather/<uuid:station_id>/upload-csv", StationCsvUploadView.as_view(), name="weather-upload-csv"),
]
