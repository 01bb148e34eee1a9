"""The dashboard's summary, computed from a cached snapshot (memoised per snapshot)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .run_cache import RunIndex

UNKNOWN = "unknown"


def default_goal(metric: str) -> str:
    return "min" if "loss" in metric.lower() else "max"


def summarize(
    index: RunIndex, experiment: str, metric: str, goal: str, chosen: Iterable[dict] | None = None
) -> dict:
    """Over ``chosen`` runs of the snapshot (default: all of them)."""
    runs = sorted(
        index.runs.values() if chosen is None else chosen,
        key=lambda r: (r["start_time"] or 0, r["run_id"]),
        reverse=True,
    )
    latest: dict[str, dict] = {}
    best: dict[str, dict] = {}
    sign = 1 if goal == "max" else -1
    for run in runs:
        if run["model_name"] and run["model_name"] not in latest:
            latest[run["model_name"]] = run
        value = run["metrics"].get(metric)
        if run["status"] != "FINISHED" or value is None:
            continue
        kind = run["model_type"] or UNKNOWN
        if kind not in best or sign * value > sign * best[kind]["metrics"][metric]:
            best[kind] = run
    return {
        "experiment": experiment,
        "total_runs": len(runs),
        "counts_by_type": dict(Counter(r["model_type"] or UNKNOWN for r in runs)),
        "counts_by_status": dict(Counter(r["model_status"] or r["status"].lower() for r in runs)),
        "latest_models": list(latest.values()),
        # Champions, however old: one per registered model (statuses come from the alias).
        "active_models": [r for r in runs if r["model_status"] == "active"],
        "best_runs": best,
        "best_metric": metric,
        "goal": goal,
        "refreshed_at": index.refreshed_at,
    }
