"""Every URL pattern of carbonexia.urls, found by walking the resolver (includes too), so sweeps cover URLs added
later without being edited. The admin is left out: it is staff-only and tested as such."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    route: str  # e.g. "portal/buildings/<uuid:building_id>/bills/<uuid:upload_id>/"
    view: object

    @property
    def parameters(self) -> list[tuple[str, str]]:
        """(converter, name) of each parameter, in order."""
        return [(m["converter"] or "str", m["name"]) for m in PARAMETER.finditer(self.route)]

    @property
    def names(self) -> list[str]:
        return [name for _, name in self.parameters]

    @property
    def portal(self) -> bool:
        return self.route.startswith("portal/")

    @property
    def openapi_path(self) -> str:
        """The path as OpenAPI writes it: /buildings/{building_id}."""
        return "/" + PARAMETER.sub(lambda m: "{" + m["name"] + "}", self.route)


def routes() -> list[Route]:
    return list(_walk(get_resolver("carbonexia.urls").url_patterns, ""))


def _walk(patterns, prefix: str):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name != "admin":
                yield from _walk(entry.url_patterns, prefix + _route_of(entry))
        elif isinstance(entry, URLPattern):
            yield Route(prefix + _route_of(entry), entry.callback)


def _route_of(entry) -> str:
    if isinstance(entry.pattern, RoutePattern):
        return str(entry.pattern)
    assert not entry.pattern.regex.groupindex, (
        f"regex pattern {entry.pattern} has parameters: teach tests/support/routes"
    )
    return str(entry.pattern).lstrip("^").rstrip("$")
