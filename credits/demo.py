"""The demo's ledger: a weather baseline, an issued 2024 vintage and a pending 2025 request."""

from datetime import date

from mrv.services import baseline_calculate

from .services import credits_request, credits_verify


def demo_credits_load(*, owner, verifier, building) -> None:
    baseline_calculate(actor=owner, building=building)
    issued = credits_request(
        actor=owner, building=building, period_start=date(2024, 4, 1), period_end=date(2024, 12, 31)
    )
    credits_verify(
        verifier=verifier,
        block=issued[0],
        decision="approve",
        comment="Demo: meter uploads, weather normalisation and factors checked.",
    )
    credits_request(actor=owner, building=building, period_start=date(2025, 1, 1), period_end=date(2025, 3, 31))
