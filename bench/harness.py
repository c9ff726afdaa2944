"""A tiny benchmark harness: each benchmark measures our path and an in-run reference, reported as a ratio."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Result:
    name: str
    ours_s: float
    reference_name: str
    reference_s: float
    target_ratio: float | None = None
    note: str = ""
    # For a benchmark measured as a rate rather than a time, how to show each side (the ratio stays time-based).
    ours_text: str | None = None
    reference_text: str | None = None

    @property
    def ratio(self) -> float:
        return self.ours_s / self.reference_s

    @property
    def verdict(self) -> str:
        if self.target_ratio is None:
            return "report"
        return "ok" if self.ratio <= self.target_ratio else "MISSED"


def _seconds(run: Callable[[int], None], i: int) -> float:
    started = time.perf_counter()
    run(i)
    return time.perf_counter() - started


def paired_medians(
    ours: Callable[[int], None],
    reference: Callable[[int], None],
    *,
    repeats: int,
    before_ours: Callable[[int], None] | None = None,
):
    """Median wall times of both, run alternately so drift in the machine's load hits each alike.
    Each call gets its own index `i`, so it can work on fresh data; `before_ours` prepares each run of ours
    outside the timing."""
    times = []
    for i in range(repeats):
        if before_ours is not None:
            before_ours(i)
        times.append((_seconds(ours, i), _seconds(reference, i)))
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


def median_seconds(run: Callable[[int], None], *, repeats: int) -> float:
    return statistics.median(_seconds(run, i) for i in range(repeats))


def _duration(seconds: float) -> str:
    return f"{seconds:,.1f} s" if seconds >= 10 else f"{seconds * 1000:.1f} ms"


def table(results: list[Result]) -> str:
    lines = [
        "| benchmark | ours | reference | reference time | ratio | target | verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        target = f"≤ {r.target_ratio:.3g}×" if r.target_ratio else "—"
        ours = r.ours_text or _duration(r.ours_s)
        reference = r.reference_text or _duration(r.reference_s)
        lines.append(
            f"| {r.name} | {ours} | {r.reference_name} | {reference} | {r.ratio:.2f}× | {target} | {r.verdict} |"
        )
    notes = [f"- {r.name}: {r.note}" for r in results if r.note]
    return "\n".join(lines + ([""] + notes if notes else []))
