from carbonexia.common.routes import api_path

from .api import UploadStatusView

urlpatterns = [
    *api_path("meter/uploads/<str:upload_id>", UploadStatusView.as_view(), name="meter-upload"),
]
