"""The report's SVG charts, with coordinates worked out by hand from the geometry in reports/charts.py."""

import ast
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from carbonexia.common import charts

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    ("low", "high", "ticks"),
    [
        (0, 87, [0, 20, 40, 60, 80, 100]),  # raw step 17.4 → 20
        (-30, 45, [-40, -20, 0, 20, 40, 60]),  # raw step 15 → 20; the axis reaches both signs
        (5, 5, [0, 1, 2, 3, 4, 5]),  # the axis always includes 0
        (0, 0, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),  # nothing to show still gives an axis
        (0, 1_000_000, [0, 200_000, 400_000, 600_000, 800_000, 1_000_000]),
        (0, 11, [0, 2.5, 5, 7.5, 10, 12.5]),  # raw step 2.2 → 2.5
    ],
)
def test_nice_ticks(low, high, ticks):
    assert charts.nice_ticks(low, high) == ticks


@pytest.mark.parametrize(
    ("value", "text"), [(0, "0"), (-250, "-250"), (1500, "1.5k"), (400_000, "400k"), (2_000_000, "2M"), (2.5, "2.5")]
)
def test_short_number(value, text):
    assert charts.short_number(value) == text


def test_bars_and_line_coordinates():
    # 200 × 100 canvas, margins 56/14/12/34 → plot 132 × 52 from (56, 14); 2 bands of 66.
    # Values up to 100 → ticks 0..100; y(v) = 14 + (100 − v) / 100 × 52: y(100)=14, y(75)=27, y(50)=40, y(0)=66.
    svg = charts.bars_and_line(
        labels=["2024-01", "2024-02"],
        bars=[50, 100],
        line=[25, 75],
        bar_label="B",
        line_label="L",
        width=200,
        height=100,
    )
    # Bar width 0.6 × 66 = 39.6, centred on x = 56 + 33 = 89 and 56 + 99 = 155.
    assert '<rect x="69.2" y="40" width="39.6" height="26" fill="#9db8d9"/>' in svg
    assert '<rect x="135.2" y="14" width="39.6" height="52" fill="#9db8d9"/>' in svg
    # y(25) = 14 + 75 / 100 × 52 = 53.
    assert '<polyline points="89,53 155,27"' in svg
    assert '<line x1="56" y1="66" x2="188" y2="66" stroke="#555"/>' in svg  # the zero line, darker
    assert '<text x="89" y="78" text-anchor="middle"' in svg  # month label 12 below the plot
    root = ElementTree.fromstring(svg)
    assert root.get("viewBox") == "0 0 200 100"
    assert [t.text for t in root.iter(f"{SVG}text")][-2:] == ["B", "L"]  # the legend


def test_negative_bars_hang_below_zero():
    # Ticks −40..60 (see test_nice_ticks): y(v) = 14 + (60 − v) / 100 × 52 → y(0) = 45.2, y(−30) = 60.8.
    svg = charts.bars_and_line(
        labels=["a", "b"], bars=[-30, 45], line=[None, None], bar_label="B", line_label="L", width=200, height=100
    )
    assert '<rect x="69.2" y="45.2" width="39.6" height="15.6"' in svg


def test_line_breaks_at_missing_values_and_marks_every_point():
    # Values up to 30: raw step 6 → 10, ticks 0..30; 3 bands of 44.
    svg = charts.line(labels=["a", "b", "c"], values=[10, None, 30], label="S", width=200, height=100)
    root = ElementTree.fromstring(svg)
    polylines = [p.get("points") for p in root.iter(f"{SVG}polyline")]
    # x = 56 + 22 = 78 and 56 + 110 = 166; y(10) = 14 + 20 / 30 × 52 = 48.67, y(30) = 14.
    assert polylines == ["78,48.67", "166,14"]
    assert len(list(root.iter(f"{SVG}circle"))) == 2


def test_labels_are_escaped_and_thinned_to_twelve():
    labels = [f"<m{i}>&" for i in range(24)]
    svg = charts.line(labels=labels, values=list(range(24)), label="A & B")
    root = ElementTree.fromstring(svg)  # well-formed despite the markup in the labels
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "<m0>&" in texts and "<m2>&" in texts and "<m1>&" not in texts
    assert sum(text.startswith("<m") for text in texts) == 12
    assert root.get("aria-label") == "A & B"


def test_series_must_match_the_labels():
    with pytest.raises(ValueError, match="one value"):
        charts.line(labels=["a", "b"], values=[1], label="S")
    with pytest.raises(ValueError, match="one value"):
        charts.bars_and_line(labels=[], bars=[], line=[], bar_label="B", line_label="L")


def test_charts_are_pure_python():
    tree = ast.parse(Path(charts.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert {name.split(".")[0] for name in imported} <= sys.stdlib_module_names
