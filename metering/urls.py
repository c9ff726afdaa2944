from carbonexia.common.routes import api_path

from . import api, bills_api, weather_api

urlpatterns = [
    *api_path("meter/readings", api.MeterReadingsView.as_view(), name="meter-readings"),
    *api_path("meter/upload-csv", api.MeterCsvUploadView.as_view(), name="meter-upload-csv"),
    *api_path("meter/uploads/<str:upload_id>", api.UploadStatusView.as_view(), name="meter-upload"),
    *api_path("meter/upload-bill", bills_api.BillUploadView.as_view(), name="meter-upload-bill"),
    *api_path("meter/bills/<str:upload_id>", bills_api.BillDetailView.as_view(), name="meter-bill"),
    *api_path("meter/bills/<str:upload_id>/confirm", bills_api.BillConfirmView.as_view(), name="meter-bill-confirm"),
    *api_path("meter/<uuid:building_id>/readings", api.ReadingsQueryView.as_view(), name="meter-building-readings"),
    *api_path("weather/stations", weather_api.StationListView.as_view(), name="weather-stations"),
    *api_path("weather/<uuid:station_id>/readings", weather_api.StationReadingsView.as_view(), name="weather-readings"),
    *api_path(
        "weather/<uuid:station_id>/upload-csv", weather_api.StationCsvUploadView.as_view(), name="weather-upload-csv"
    ),
]
