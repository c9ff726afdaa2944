"""Downloads from NOAA NCEI's GHCNh directory over plain HTTPS (the standard library's urllib: no client library
reads GHCNh and can be pointed at another host). The base URL is the setting WEATHER_SOURCE_URL, so tests serve
the same paths from a local server."""

import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from django.conf import settings

STATION_LIST_PATH = "doc/ghcnh-station-list.csv"
INVENTORY_PATH = "doc/ghcnh-inventory.txt"


class SourceUnreachable(Exception):
    """The source did not answer, or answered with a server error: nothing can be said about the data."""


def hourly_path(station_id: str, year: int) -> str:
    return f"access/by-year/{year}/psv/GHCNh_{station_id}_{year}.psv"


def _url(path: str) -> str:
    return f"{settings.WEATHER_SOURCE_URL.rstrip('/')}/{path}"


@contextmanager
def _opened(path: str) -> Iterator[IO[bytes] | None]:
    """The response body, or None when the source says there is no such file (404)."""
    request = urllib.request.Request(_url(path), headers={"User-Agent": "carbonexia-weather"})
    try:
        response = urllib.request.urlopen(request, timeout=settings.WEATHER_SOURCE_TIMEOUT_SECONDS)  # noqa: S310
    except urllib.error.HTTPError as error:
        if error.code == 404:
            yield None
            return
        raise SourceUnreachable(f"{_url(path)} answered HTTP {error.code}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        reason = getattr(error, "reason", error)
        raise SourceUnreachable(f"{_url(path)} did not answer ({reason})") from None
    with response:
        yield response


def download(path: str) -> bytes | None:
    """The whole file, at most WEATHER_SOURCE_MAX_BYTES; None when the source has no such file."""
    limit = settings.WEATHER_SOURCE_MAX_BYTES
    with _opened(path) as response:
        if response is None:
            return None
        try:
            data = response.read(limit + 1)
        except (TimeoutError, ConnectionError, urllib.error.URLError) as error:
            raise SourceUnreachable(f"{_url(path)} broke off ({error})") from None
    if len(data) > limit:
        raise SourceUnreachable(f"{_url(path)} is larger than {limit:,} bytes")
    return data


def lines(path: str) -> Iterator[str]:
    """The file line by line, for files too large to hold (the inventory); a missing file is unreachable."""
    with _opened(path) as response:
        if response is None:
            raise SourceUnreachable(f"{_url(path)} is missing (HTTP 404)")
        try:
            for raw in response:
                yield raw.decode("ascii", errors="replace")
        except (TimeoutError, ConnectionError, urllib.error.URLError) as error:
            raise SourceUnreachable(f"{_url(path)} broke off ({error})") from None
