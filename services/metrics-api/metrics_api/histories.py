"""Metric histories of finished runs, kept per worker so a comparison does not re-read them.

Why: with MLflow's basic-auth on, every MLflow call pays a permission check on top of the read
(for a history: a full ``get_run`` to find the run's experiment, the user, their grants), which
roughly doubles its cost; the dashboard's compare asks for runs x metrics histories at once.

A history is stored under what the API knows of its run: id, status, end time and the metric's
latest value (from the run cache's snapshot, or from MLflow). Any change to those is a miss, so
a run resumed, re-ended or given a newer point is read again. A RUNNING run's history is never
kept: its points grow while it trains. Least recently used entries go first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

HISTORY_CACHE_SIZE = 4096  # histories per worker; a history is ~100 points


class HistoryCache:
    def __init__(self, size: int = HISTORY_CACHE_SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[tuple, list[dict]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(run: dict, metric: str) -> tuple | None:
        """None for a run whose history may still grow (RUNNING)."""
        if run["status"] == "RUNNING":
            return None
        return (run["run_id"], metric, run["status"], run["end_time"], run["metrics"].get(metric))

    def get(self, run: dict, metric: str) -> list[dict] | None:
        key = self.key(run, metric)
        if key is None:
            return None
        with self._lock:
            points = self._entries.get(key)
            if points is not None:
                self._entries.move_to_end(key)
            return points

    def put(self, run: dict, metric: str, points: list[dict]) -> None:
        key = self.key(run, metric)
        if key is None:
            return
        with self._lock:
            self._entries[key] = points
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
