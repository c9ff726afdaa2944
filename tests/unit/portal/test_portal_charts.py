"""The portal's charts: series turned into labels and values, and the SVG they draw."""

import ast
import sys
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest

from portal import charts

SVG = "{http://www.w3.org/2000/svg}"


def test_month_labels_are_short():
    assert [charts.month_label(p) for p in ("2024-04", "2025-12")] == ["Apr 24", "Dec 25"]


def test_the_running_total_skips_unknown_months_without_losing_the_sum():
    assert charts.running_total([100.0, None, -20.0, 50.0]) == [100.0, None, 80.0, 130.0]
    assert charts.running_total([None, None]) == [None, None]
    assert charts.running_total([]) == []


def test_baseline_against_actual_draws_a_bar_and_a_point_per_known_month():
    svg = charts.baseline_vs_actual(
        periods=["2024-04", "2024-05", "2024-06"], baseline=[300.0, 280.0, None], actual=[250.0, None, 240.0]
    )
    root = ElementTree.fromstring(svg)
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.get("fill") == "#9db8d9" and rect.get("width") != "10"]
    assert len(bars) == 2
    assert len(list(root.iter(f"{SVG}circle"))) == 2
    assert len(list(root.iter(f"{SVG}polyline"))) == 2  # the missing May breaks the line
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert {"Apr 24", "May 24", "Jun 24", "Adjusted baseline (kWh)", "Actual (kWh)"} <= set(texts)


def test_cumulative_savings_plot_the_running_total():
    # Values up to 300: ticks 0..300 on a 680 × 200 canvas, plot height 200 − 14 − 34 = 152 from y = 14.
    svg = charts.cumulative_savings(periods=["2024-04", "2024-05"], savings=[100.0, 200.0])
    (line,) = ElementTree.fromstring(svg).iter(f"{SVG}polyline")
    ys = [float(point.split(",")[1]) for point in line.get("points").split()]
    assert ys == [pytest.approx(14 + 152 * 200 / 300, abs=0.01), pytest.approx(14)]
    assert 'aria-label="Cumulative savings (kWh)"' in svg


@pytest.mark.parametrize(("interval", "label"), [("hour", "05 Mar 14h"), ("day", "05 Mar"), ("month", "Mar 2025")])
def test_readings_are_labelled_by_their_interval(interval, label):
    svg = charts.readings(timestamps=[datetime(2025, 3, 5, 14)], kwh=[12.5], interval=interval)
    texts = [text.text for text in ElementTree.fromstring(svg).iter(f"{SVG}text")]
    assert label in texts and f"kWh per {interval}" in texts


def test_charts_are_pure_python():
    tree = ast.parse(Path(charts.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert {name.split(".")[0] for name in imported} <= sys.stdlib_module_names | {"carbonexia"}
