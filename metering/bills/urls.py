from carbonexia.common.routes import api_path

from .api import BillConfirmView, BillDetailView, BillUploadView

urlpatterns = [
    *api_path("meter/upload-bill", BillUploadView.as_view(), name="meter-upload-bill"),
    *api_path("meter/bills/<str:upload_id>", BillDetailView.as_view(), name="meter-bill"),
    *api_path("meter/bills/<str:upload_id>/confirm", BillConfirmView.as_view(), name="meter-bill-confirm"),
]
