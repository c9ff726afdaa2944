from carbonexia.common.routes import api_path

from .api import UploadStatusView, UploadTemplateView

urlpatterns = [
    *api_path("meter/uploads/<str:upload_id>", UploadStatusView.as_view(), name="meter-upload"),
    *api_path("meter/<uuid:building_id>/upload-template", UploadTemplateView.as_view(), name="meter-upload-template"),
]
