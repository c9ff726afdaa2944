"""Errors raised by the parsers, and the collector that gathers row errors before raising."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

MAX_LISTED = 100


@dataclass(frozen=True)
class RowError:
    """One bad value: `row` is the 1-based line in a file (header = line 1) or the 1-based item in a batch."""

    row: int
    column: str
    message: str


def quoted(value: object, *, limit: int = 40) -> str:
    """A value for an error message, cut short so one huge cell cannot bloat the response."""
    text = str(value)
    return f"'{text[:limit]}…'" if len(text) > limit else f"'{text}'"


class InvalidInput(Exception):
    """Base of the parser errors; `code` is the machine code the API reports."""

    code = "invalid"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidFile(InvalidInput):
    """The upload is not a readable file of its kind at all."""

    code = "invalid_file"


class UsagePointChoice(InvalidFile):
    """A Green Button file holds several usage points (or none by the name given): the sender must name one."""

    def __init__(self, message: str, usage_points: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.usage_points = usage_points  # {"id", "title", "service"} of each usage point in the file


class AmbiguousDates(InvalidInput):
    """Slashed dates that read both day-first and month-first, with nothing in the file to settle which: the sender
    chooses, rather than every such row being an error."""

    code = "ambiguous_dates"

    def __init__(self, message: str, *, examples: list[dict[str, object]]) -> None:
        super().__init__(message)
        self.examples = examples  # {"row", "value", "day_first", "month_first"}: a value read each way (None: invalid)


class InvalidRows(InvalidInput):
    """The data is readable but some values are bad, so none of it may be stored."""

    code = "invalid_rows"

    def __init__(self, errors: list[RowError], total: int) -> None:
        super().__init__(f"The data has {total} invalid value{'' if total == 1 else 's'}.")
        self.errors = sorted(errors, key=lambda error: error.row)[:MAX_LISTED]
        self.total = total


class RowErrors:
    """Collects row errors from vectorised checks, formatting messages only for rows that can be listed."""

    def __init__(self, rows: np.ndarray, *, noun: str) -> None:
        self.rows = rows
        self.noun = noun
        self._errors: list[RowError] = []
        self._total = 0

    def add(
        self,
        mask: ArrayLike,
        *,
        column: str | np.ndarray,
        message: str | Callable[..., str],
        **values: ArrayLike,
    ) -> None:
        """Record an error at every position where `mask` is true.

        `column` is one name or an array of per-row names. A callable `message` is called with, as keyword
        arguments, each of `values` (arrays aligned with the rows) taken at the row in error.
        """
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not len(positions):
            return
        self._total += len(positions)
        # Only the first MAX_LISTED rows of any one check can be among the overall first MAX_LISTED.
        listed = positions[:MAX_LISTED]
        columns = np.broadcast_to(np.asarray(column, dtype=object), self.rows.shape)[listed]
        picked = {name: np.asarray(array, dtype=object)[listed] for name, array in values.items()}
        for i, position in enumerate(listed):
            fields = {name: array[i] for name, array in picked.items()}
            text = message(**fields) if callable(message) else message
            self._errors.append(RowError(int(self.rows[position]), str(columns[i]), text))

    def raise_if_any(self) -> None:
        if self._total:
            raise InvalidRows(self._errors, self._total)
