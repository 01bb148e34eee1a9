"""RUNNING runs whose trainer went silent: shown as ``stale``, and no longer re-read.

The trainer logs a ``system/heartbeat`` metric (seconds since the epoch) when a run starts and
with every epoch. A RUNNING run whose last heartbeat (or, before the first one, its start) is
older than ``STALE_AFTER_SECONDS`` gets ``model_status = "stale"``: its trainer was killed
without a word (SIGKILL, a lost machine). The refresh's searches only ask for RUNNING runs that
beat recently, so a stale run is not fetched again unless it beats again or ends.
"""

from __future__ import annotations

HEARTBEAT_METRIC = "system/heartbeat"


def last_sign_of_life(run: dict) -> float:
    """Seconds since the epoch."""
    beat = run["metrics"].get(HEARTBEAT_METRIC)
    if beat is not None:
        return beat
    return (run["start_time"] or 0) / 1000


def is_stale(run: dict | None) -> bool:
    return run is not None and run["model_status"] == "stale"


def marked(run: dict, cutoff: float) -> dict:
    """The run, with ``model_status`` ``stale`` when it is RUNNING and silent since ``cutoff``."""
    if (
        run["status"] == "RUNNING"
        and run["model_status"] != "stale"
        and last_sign_of_life(run) < cutoff
    ):
        return {**run, "model_status": "stale"}
    return run


def live_filters(cutoff: float) -> list[str]:
    """Searches for the RUNNING runs that are not stale (MLflow has no OR: two of them)."""
    return [
        f"attributes.status = 'RUNNING' AND metrics.`{HEARTBEAT_METRIC}` >= {cutoff:.3f}",
        f"attributes.status = 'RUNNING' AND attributes.start_time >= {int(cutoff * 1000)}",
    ]
