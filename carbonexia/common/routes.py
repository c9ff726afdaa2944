from django.urls import path


def api_path(route: str, view, name: str | None = None):
    """A route that answers both with and without a trailing slash, without redirecting (API.md)."""
    route = route.strip("/")
    return [path(route, view, name=name), path(f"{route}/", view)]
