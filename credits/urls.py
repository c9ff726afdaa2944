from carbonexia.common.routes import api_path

from . import api

urlpatterns = [
    *api_path("credits/issue", api.IssueView.as_view(), name="credits-issue"),
    *api_path("credits/<uuid:credit_id>/verify", api.VerifyView.as_view(), name="credits-verify"),
    *api_path("credits/<uuid:credit_id>/retire", api.RetireView.as_view(), name="credits-retire"),
    *api_path("credits/<uuid:building_id>", api.BuildingCreditsView.as_view(), name="credits-building"),
    *api_path("portfolio", api.PortfolioView.as_view(), name="portfolio"),
]
