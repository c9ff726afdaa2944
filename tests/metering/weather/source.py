"""A local stand-in for NOAA NCEI's GHCNh directory: serves files in GHCNh's own formats under the same paths,
records what was asked, and can be switched to answering 503 (an outage) or stopped (nothing listening)."""

import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from metering.weather.source import INVENTORY_PATH, STATION_LIST_PATH, hourly_path

PSV_COLUMNS = (
    "STATION|Station_name|DATE|Year|Month|Day|Hour|Minute|LATITUDE|LONGITUDE|ELEVATION|"
    "temperature|temperature_Measurement_Code|temperature_Quality_Code|temperature_Report_Type|"
    "temperature_Source_Code|temperature_Source_Station_ID|"
    "dew_point_temperature|dew_point_temperature_Measurement_Code|dew_point_temperature_Quality_Code|"
    "dew_point_temperature_Report_Type|dew_point_temperature_Source_Code|dew_point_temperature_Source_Station_ID"
)
STATION_LIST_HEADER = "GHCN_ID,LATITUDE,LONGITUDE,ELEVATION,STATE,NAME,GSN,(US)HCN_(US)CRN,WMO_ID,ICAO,ISO_CODE"


def station_list(rows: list[tuple[str, float, float, float, str]]) -> bytes:
    """rows: (id, latitude, longitude, elevation or -999.9, name)."""
    lines = [STATION_LIST_HEADER]
    lines += [f"{sid},{lat:.4f},{lon:.4f},{elev:.1f},,{name},,,,,US" for sid, lat, lon, elev, name in rows]
    return ("\n".join(lines) + "\n").encode()


def inventory(rows: list[tuple[str, int, list[int]]]) -> bytes:
    """rows: (id, year, twelve monthly report counts), in the whitespace-aligned layout of ghcnh-inventory.txt."""
    lines = (f"{sid:<11} {year}" + "".join(f"{n:>7}" for n in months) + "\n" for sid, year, months in rows)
    return "".join(lines).encode()


def psv(station_id: str, observations: list[tuple[datetime, float | str, str]]) -> bytes:
    """observations: (UTC instant, temperature, quality code), one report line each."""
    lines = [PSV_COLUMNS]
    for instant, value, quality in observations:
        lines.append(
            f"{station_id}|TEST FIELD|{instant:%Y-%m-%dT%H:%M:%S}|{instant.year}|{instant.month}|{instant.day}|"
            f"{instant.hour}|{instant.minute}|40.7790|-73.8800|3.4|{value}||{quality}|FM-15|343|{station_id}|"
            f"4.4||{quality}|FM-15|343|{station_id}"
        )
    return ("\n".join(lines) + "\n").encode()


def hourly(station_id: str, start: datetime, hours: int, *, minute: int = 51) -> bytes:
    """A METAR-style year file: one report at `minute` past each hour, temperatures 0.0, 0.1, 0.2, ..."""
    return psv(
        station_id, [(start + timedelta(hours=h, minutes=minute), round(h * 0.1 % 30, 1), "") for h in range(hours)]
    )


NOW = "2026-01-03T12:00:00+00:00"
# The building stands at 40.70 N, 73.90 W, 20 m up. One degree of latitude is 111.195 km.
CLOSE_PATCHY = ("USW00000001", 40.7450, -73.90, 15.0, "CLOSE BUT PATCHY")  # 5 km, half the hours of 2025
CHOSEN = ("USW00000002", 40.8079, -73.90, -20.0, "LA GUARDIA TEST")  # 12 km, 40 m lower, full
FAR = ("USW00000003", 41.80, -73.90, 20.0, "FAR AWAY")  # 122 km
FULL_2025 = [744, 672, 744, 720, 744, 720, 744, 744, 720, 744, 720, 744]


class GhcnhServer:
    def __init__(self):
        self.files: dict[str, bytes] = {}
        self.requested: list[str] = []
        self.outage = False
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/oa/ghcnh/hourly"

    def put(self, path: str, data: bytes) -> None:
        self.files[f"/oa/ghcnh/hourly/{path}"] = data

    def start(self) -> "GhcnhServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, path: str) -> tuple[int, bytes]:
        with self._lock:
            self.requested.append(path)
        if self.outage:
            return 503, b"Service Unavailable"
        data = self.files.get(path)
        return (404, b"Not Found") if data is None else (200, data)

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                status, body = server._answer(self.path)
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):
                pass

        return Handler


def three_stations() -> GhcnhServer:
    """A server (not started) listing CLOSE_PATCHY, CHOSEN and FAR, with the 2025 inventory of the first two and
    two year files of CHOSEN: 24 METAR reports to the end of 2025 and 36 from the first minute of 2026."""
    server = GhcnhServer()
    server.put(STATION_LIST_PATH, station_list([CLOSE_PATCHY, CHOSEN, FAR]))
    server.put(
        INVENTORY_PATH,
        inventory([(CLOSE_PATCHY[0], 2025, [m // 2 for m in FULL_2025]), (CHOSEN[0], 2025, FULL_2025)]),
    )
    server.put(hourly_path(CHOSEN[0], 2025), hourly(CHOSEN[0], datetime(2025, 12, 31, 0, tzinfo=UTC), 24))
    server.put(hourly_path(CHOSEN[0], 2026), hourly(CHOSEN[0], datetime(2025, 12, 31, 23, 59, tzinfo=UTC), 36))
    return server
