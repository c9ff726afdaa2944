from django.contrib.auth import views as auth_views
from django.urls import path

from .forms import LoginForm
from .views import accounts, baselines, bills, buildings, credits, data, meters, portfolio, reports, webhooks

app_name = "portal"

BUILDING = "buildings/<uuid:building_id>"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="portal/accounts/login.html", authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", accounts.register, name="register"),
    path("", buildings.building_list, name="buildings"),
    path("portfolio/", portfolio.portfolio_page, name="portfolio"),
    path("portfolio.csv", portfolio.portfolio_csv, name="portfolio-csv"),
    path("buildings/new/", buildings.building_create, name="building-create"),
    path(f"{BUILDING}/", buildings.dashboard, name="dashboard"),
    path(f"{BUILDING}/settings/", buildings.building_edit, name="building-edit"),
    path(f"{BUILDING}/delete/", buildings.building_delete, name="building-delete"),
    path(f"{BUILDING}/data/", data.data, name="data"),
    path(f"{BUILDING}/data/upload/", data.upload, name="upload"),
    path(f"{BUILDING}/data/templates/<str:granularity>.csv", data.template, name="upload-template"),
    path(f"{BUILDING}/data/uploads/<uuid:upload_id>/", data.upload_status, name="upload-status"),
    path(f"{BUILDING}/data/station/", data.station_link, name="station-link"),
    path(f"{BUILDING}/data/station/new/", data.station_add, name="station-add"),
    path(f"{BUILDING}/data/station/temperatures/", data.temperatures, name="temperatures"),
    path(f"{BUILDING}/data/events/", data.event_create, name="event-create"),
    path(f"{BUILDING}/baselines/", baselines.baselines, name="baselines"),
    path(f"{BUILDING}/credits/", credits.credits, name="credits"),
    path(f"{BUILDING}/credits/<uuid:credit_id>/retire/", credits.retire, name="retire"),
    path(f"{BUILDING}/reports/", reports.reports, name="reports"),
    path(f"{BUILDING}/reports/<str:report_id>/", reports.report_status, name="report-status"),
    path(f"{BUILDING}/reports/<str:report_id>/download/", reports.report_download, name="report-download"),
    path(f"{BUILDING}/bills/", bills.bills, name="bills"),
    path(f"{BUILDING}/bills/<str:bill_id>/", bills.bill, name="bill"),
    path(f"{BUILDING}/meters/", meters.meters, name="meters"),
    path(f"{BUILDING}/meters/<uuid:meter_id>/delete/", meters.meter_remove, name="meter-delete"),
    path("webhooks/", webhooks.webhooks, name="webhooks"),
    path("webhooks/<uuid:webhook_id>/", webhooks.deliveries, name="webhook"),
    path("webhooks/<uuid:webhook_id>/delete/", webhooks.webhook_remove, name="webhook-delete"),
    path("webhooks/<uuid:webhook_id>/test/", webhooks.webhook_test, name="webhook-test"),
]
