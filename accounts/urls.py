from carbonexia.common.routes import api_path

from . import api

urlpatterns = [
    *api_path("auth/register", api.RegisterView.as_view(), name="auth-register"),
    *api_path("auth/login", api.LoginView.as_view(), name="auth-login"),
    *api_path("auth/refresh", api.RefreshView.as_view(), name="auth-refresh"),
    *api_path("auth/logout", api.LogoutView.as_view(), name="auth-logout"),
    *api_path("auth/me", api.MeView.as_view(), name="auth-me"),
]
