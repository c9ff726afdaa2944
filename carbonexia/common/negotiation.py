from django.http import Http404
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation


class FirstRendererFallback(DefaultContentNegotiation):
    """API.md: JSON out. An Accept header or ?format= naming nothing an endpoint renders gets the endpoint's first
    renderer (JSON on the API) rather than a 406, or a 404 for the unknown format, that the contract never lists."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except (NotAcceptable, Http404):
            return renderers[0], renderers[0].media_type
