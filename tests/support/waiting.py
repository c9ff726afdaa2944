import time


def wait_for(probe, *, until, timeout: float = 60, every: float = 0.2):
    """Polls `probe` until `until(result)` holds; a generous ceiling only guards against a hung worker."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if until(result) or time.monotonic() > deadline:
            return result
        time.sleep(every)
