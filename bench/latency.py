"""Latency figures the benchmarks share: a call timed n times, and the percentiles of the times."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def stats(values: list[float]) -> dict:
    """Seconds in, milliseconds out."""
    return {
        "n": len(values),
        "p50_ms": percentile(values, 50) * 1000,
        "p95_ms": percentile(values, 95) * 1000,
        "p99_ms": percentile(values, 99) * 1000,
        "mean_ms": statistics.fmean(values) * 1000,
        "max_ms": max(values) * 1000,
    }


def timed(call: Callable[[], object], n: int) -> list[float]:
    """Seconds each of ``n`` calls took, one after another."""
    out = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        out.append(time.perf_counter() - start)
    return out
