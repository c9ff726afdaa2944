"""`make bench`: every benchmark with its in-run reference, on TimescaleDB in a database of its own."""

import os
import platform
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carbonexia.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ.get("TEST_DATABASE_URL", "")
if not os.environ["DATABASE_URL"].startswith("postgres"):
    sys.exit("make bench needs TimescaleDB: run it through `make bench`, which provisions it.")
os.environ.setdefault("MEDIA_ROOT", "/tmp/carbonexia-bench-media")
os.environ.setdefault("CELERY_QUEUE", f"bench-{os.getpid()}")  # the bench's own worker takes these tasks
django.setup()

from django.db import connection  # noqa: E402

from accounts.models import User  # noqa: E402

from . import anomalies, documents, ingest, mqtt, mrv, portfolio, spreadsheet  # noqa: E402
from .harness import table  # noqa: E402

OUT = Path(__file__).resolve().parent / "results"


def main() -> None:
    # Dropped and created afresh: name another with BENCH_DATABASE when two checkouts bench on one server.
    connection.settings_dict["TEST"]["NAME"] = os.environ.get("BENCH_DATABASE", "bench_carbonexia")
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        owner = User.objects.create_user(email="bench@example.test", password=None)
        only = set(sys.argv[1:])
        results = []
        if not only or only & {"csv", "json", "http"}:
            results += ingest.over_http(owner)
        if not only or "csv" in only:
            results.append(ingest.csv_upload_vs_copy(owner))
        if not only or "greenbutton" in only:
            results.append(ingest.greenbutton_vs_csv(owner))
        if not only or "xlsx" in only:
            results.append(spreadsheet.xlsx_vs_csv())
        if not only or "mqtt" in only:
            results += mqtt.mqtt_vs_json(owner)
        if not only or "fit" in only:
            results.append(mrv.changepoint_fit_vs_ols())
        if not only or "candidates" in only:
            results.append(mrv.all_candidates_vs_ols())
        if not only or "gapfill" in only:
            results.append(mrv.gap_fill_vs_linear())
        if (not only or "towt" in only) and (towt := mrv.towt_fit_vs_eemeter()):
            results.append(towt)
        if not only or "savings" in only or "report" in only:
            results += mrv.savings_vs_sql(owner)
            results.append(documents.report_render_time(owner, mrv.LAST_BUILDING["building"]))
            results.append(anomalies.one_building_year(mrv.LAST_BUILDING["building"]))
        if not only or "ocr" in only:
            results.append(documents.ocr_per_page())
        if not only or "ingest-rate" in only:
            count = int(os.environ.get("BENCH_INGEST_YEARS", "100"))
            results.append(ingest.portfolio_ingest_vs_copy(owner, count=count))
        if not only or "portfolio" in only:
            results += portfolio.portfolio(owner, count=int(os.environ.get("BENCH_BUILDING_YEARS", "1000")))[0]
        if not only or "flat" in only:
            results.append(ingest.hundred_building_years(owner)[0])
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
    report = table(results)
    header = f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}\n\n"
    print(header + report)
    OUT.mkdir(exist_ok=True)
    (OUT / "latest.md").write_text(header + report + "\n")


if __name__ == "__main__":
    main()
