def drop_slash_twins(endpoints, **kwargs):
    """Every API path is routed with and without a trailing slash; the schema lists each once."""
    return [endpoint for endpoint in endpoints if not (endpoint[0].endswith("/") and endpoint[0] != "/")]
