"""Registry-style serial numbers, modelled on Verra's VCU serials, and the arithmetic of splitting them.

Verra:      9508-116805226-116806225-VCS-VCU-1491-VER-IN-1-2313-01012021-31122021-0
Carbonexia: {issuance}-{first}-{last}-CBX-CCU-{issuance}-VER-{country}-3-{building}-{vintage from}-{vintage to}-0
            (sectoral scope 3: energy demand; the building part is its id's first 8 hex digits)
"""

from dataclasses import dataclass
from datetime import date

SECTORAL_SCOPE = 3


@dataclass(frozen=True)
class SerialRange:
    first: int
    last: int

    def __post_init__(self):
        if self.first < 1 or self.last < self.first:
            raise ValueError(f"not a serial range: {self.first}-{self.last}")

    @property
    def count(self) -> int:
        return self.last - self.first + 1


def split_range(serials: SerialRange, quantity: int) -> tuple[SerialRange, SerialRange | None]:
    """The first `quantity` serials, and what remains (None when nothing does)."""
    if not 1 <= quantity <= serials.count:
        raise ValueError(f"cannot take {quantity} of {serials.count} serials")
    taken = SerialRange(serials.first, serials.first + quantity - 1)
    rest = SerialRange(taken.last + 1, serials.last) if quantity < serials.count else None
    return taken, rest


def serial_string(
    *, issuance: int, serials: SerialRange, country: str, building_id: str, vintage_start: date, vintage_end: date
) -> str:
    return "-".join(
        [
            str(issuance),
            str(serials.first),
            str(serials.last),
            "CBX-CCU",
            str(issuance),
            "VER",
            (country or "XX").upper(),
            str(SECTORAL_SCOPE),
            building_id.replace("-", "")[:8].upper(),
            vintage_start.strftime("%d%m%Y"),
            vintage_end.strftime("%d%m%Y"),
            "0",
        ]
    )
