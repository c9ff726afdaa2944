"""The retry schedule of a webhook delivery (pure): exponential, factor 3, capped, at most MAX_ATTEMPTS tries."""

MAX_ATTEMPTS = 8
FACTOR = 3
MAX_DELAY_SECONDS = 3600


def retry_delay_seconds(failed_attempts: int, *, base: int) -> int | None:
    """Seconds to wait after the `failed_attempts`-th failed try; None once the limit is reached.

    With base 10: 10, 30, 90, 270, 810, 2430, 3600 (capped), then None after the 8th try.
    """
    if failed_attempts < 1:
        raise ValueError("The schedule starts after the first failed attempt.")
    if failed_attempts >= MAX_ATTEMPTS:
        return None
    return min(base * FACTOR ** (failed_attempts - 1), MAX_DELAY_SECONDS)
