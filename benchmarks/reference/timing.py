"""The timed iteration both PyTorch references share: JMH's `avgt` mode, one iteration at a time."""
import time


def mean_call_us(fn, seconds):
    """Calls fn until at least `seconds` have passed; returns the mean microseconds per call."""
    calls = 0
    start = time.perf_counter()
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return elapsed / calls * 1e6
