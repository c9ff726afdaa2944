from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.forms import AdminLoginForm
from accounts.urls import urlpatterns as account_urls
from buildings.urls import urlpatterns as building_urls
from carbonexia.common.health import health
from carbonexia.common.routes import api_path
from carbonexia.webhooks.urls import urlpatterns as webhook_urls
from credits.urls import urlpatterns as credit_urls
from metering.factors.urls import urlpatterns as factor_urls
from metering.urls import urlpatterns as metering_urls
from mrv.urls import urlpatterns as mrv_urls
from reports.urls import urlpatterns as report_urls

admin.site.site_header = admin.site.site_title = "Carbonexia verification"
admin.site.index_title = "Credit requests, flagged months and the records behind them"
admin.site.login_form = AdminLoginForm

handler400 = "carbonexia.common.exceptions.json_bad_request"
handler403 = "carbonexia.common.exceptions.json_permission_denied"
handler404 = "carbonexia.common.exceptions.json_not_found"
handler500 = "carbonexia.common.exceptions.json_server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    *api_path("health", health, name="health"),
    *api_path("schema", SpectacularAPIView.as_view(), name="schema"),
    *api_path("docs", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    *account_urls,
    *building_urls,
    *metering_urls,
    *factor_urls,
    *mrv_urls,
    *webhook_urls,
    *credit_urls,
    *report_urls,
    path("portal/", include("portal.urls")),
    path("", RedirectView.as_view(url="/portal/", permanent=False)),
]
