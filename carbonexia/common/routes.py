from django.urls import path


def api_path(route: str, view, name: str = ""):
    """A route that answers both with and without a trailing slash, without redirecting (API.md)."""
    route = route.strip("/")
    named = path(route, view, name=name) if name else path(route, view)
    return [named, path(f"{route}/", view)]
