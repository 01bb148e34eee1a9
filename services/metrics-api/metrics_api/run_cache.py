"""An incrementally refreshed, in-memory view of each experiment's runs.

MLflow's search costs ~2.5 ms per run returned, so listing or summarising 10,000 runs per
request is out of the question. Each experiment gets a snapshot, loaded once in full and then
refreshed with a few small searches whose filters are built from numbers only:

* runs started at or after the newest ``start_time`` seen (minus an overlap): new runs;
* runs still ``RUNNING``: their metrics grow while they train;
* runs ended at or after the newest ``end_time`` seen (minus the overlap): finished, failed or
  killed since, with the tags the trainer sets at the end;
* runs tagged ``status = 'active'``, and the runs the snapshot thinks are active: promotions made
  by another worker or client.

Anything else (deleted runs, tags edited by hand on old runs) is picked up by the periodic full
resync. A snapshot is replaced as a whole, never mutated, so request threads read it lock-free.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from .errors import NotFound, TrackingUnavailable
from .ordering import Order
from .serialize import run_to_dict
from .tracking import ACTIVE_FILTER, Tracking

log = logging.getLogger(__name__)
VIEW_CACHE_SIZE = 8
FAILURE_RETRY_SECONDS = 1.0
WAIT_FOR_LOAD_SECONDS = 120.0


@dataclass(eq=False)
class RunIndex:
    """Immutable once built: runs by id, plus sorted views built on demand."""

    experiment_id: str | None
    runs: dict[str, dict]
    refreshed_at: int  # ms epoch of the refresh that produced it
    _views: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def sorted_rows(self, order: Order) -> list[tuple[tuple, dict]]:
        with self._lock:
            rows = self._views.get(order)
            if rows is not None:
                self._views.move_to_end(order)
                return rows
        rows = sorted(((order.sort_key(run), run) for run in self.runs.values()),
                      key=lambda row: row[0])
        with self._lock:
            self._views[order] = rows
            while len(self._views) > VIEW_CACHE_SIZE:
                self._views.popitem(last=False)
        return rows

    def with_runs(self, changed: list[dict], refreshed_at: int) -> RunIndex:
        runs = dict(self.runs)
        runs.update((run["run_id"], run) for run in changed)
        return RunIndex(self.experiment_id, runs, refreshed_at)

    def memo(self, key, compute):
        """Per-snapshot memo for derived results (summaries)."""
        with self._lock:
            if key in self._views:
                return self._views[key]
        value = compute()
        with self._lock:
            self._views[key] = value
            while len(self._views) > VIEW_CACHE_SIZE:
                self._views.popitem(last=False)
        return value


def now_ms() -> int:
    return int(time.time() * 1000)


class ExperimentSnapshot:
    def __init__(self, tracking: Tracking, name: str, settings: dict) -> None:
        self.tracking, self.name, self.settings = tracking, name, settings
        self.index: RunIndex | None = None
        self.checked_at = 0.0  # monotonic time of the last successful refresh
        self.resynced_at = 0.0
        self.failed_at: float | None = None
        self.failure: TrackingUnavailable | None = None
        self.refresh_lock = threading.Lock()  # one refresh at a time
        self.index_lock = threading.Lock()  # swapping the index
        self.local_changes: list[tuple[float, list[dict]]] = []  # (monotonic time, runs)

    # ---- what requests call -------------------------------------------------------------

    def current(self) -> RunIndex:
        """A snapshot fresh enough to serve, or 503 when MLflow cannot be reached."""
        age = time.monotonic() - self.checked_at
        if self.index is None or self.failure is not None or age > self.settings["max_age"]:
            self._refresh_now()
        elif age > self.settings["refresh"]:
            self._refresh_in_background()
        return self.index

    def upsert(self, runs: list[dict]) -> None:
        """Reflect a change this worker made (a promotion) at once, without waiting for a
        refresh in progress; that refresh re-applies it (it may have read MLflow before)."""
        with self.index_lock:
            now = time.monotonic()
            self.local_changes = [(t, r) for t, r in self.local_changes
                                  if now - t < self.settings["resync"] + 60] + [(now, runs)]
            if self.index is not None:
                self.index = self._with_changes(self.index, [runs])

    def _install(self, index: RunIndex, started: float) -> None:
        with self.index_lock:
            since = [runs for t, runs in self.local_changes if t >= started]
            self.index = self._with_changes(index, since) if since else index

    @staticmethod
    def _with_changes(index: RunIndex, batches: list[list[dict]]) -> RunIndex:
        mine = [r for runs in batches for r in runs if r["experiment_id"] == index.experiment_id]
        return index.with_runs(mine, now_ms()) if mine else index

    # ---- refreshing -----------------------------------------------------------------------

    def _refresh_now(self) -> None:
        if self.failure is not None and self.failed_at is not None \
                and time.monotonic() - self.failed_at < FAILURE_RETRY_SECONDS:
            raise self.failure  # don't hammer a server that just failed
        if not self.refresh_lock.acquire(timeout=WAIT_FOR_LOAD_SECONDS):
            raise TrackingUnavailable(f"still loading runs of experiment {self.name!r}; retry")
        try:
            if self.index is not None and self.failure is None \
                    and time.monotonic() - self.checked_at <= self.settings["max_age"]:
                return  # another thread refreshed while this one waited
            self._refresh()
        finally:
            self.refresh_lock.release()
        if self.failure is not None:
            raise self.failure

    def _refresh_in_background(self) -> None:
        if not self.refresh_lock.acquire(blocking=False):
            return  # one refresh at a time

        def work():
            try:
                self._refresh()
            finally:
                self.refresh_lock.release()

        threading.Thread(target=work, name=f"refresh-{self.name}", daemon=True).start()

    def _refresh(self) -> None:
        """Holds ``refresh_lock``. Records a failure instead of raising it."""
        started = time.monotonic()
        try:
            experiment_id = self.tracking.experiment_id(self.name)
            full = (self.index is None or experiment_id != self.index.experiment_id
                    or started - self.resynced_at > self.settings["resync"])
            if experiment_id is None:
                self._install(RunIndex(None, {}, now_ms()), started)
            elif full:
                runs = self.tracking.search([experiment_id])
                self._install(RunIndex(experiment_id,
                                       {r.info.run_id: run_to_dict(r) for r in runs}, now_ms()),
                              started)
                self.resynced_at = started
                log.info("loaded %d runs of experiment %r in %.1f s", len(runs), self.name,
                         time.monotonic() - started)
            else:
                self._refresh_incrementally(experiment_id, started)
            self.checked_at, self.failure, self.failed_at = started, None, None
        except TrackingUnavailable as error:
            self.failure, self.failed_at = error, time.monotonic()
            log.warning("refreshing experiment %r failed: %s", self.name, error.message)

    def _refresh_incrementally(self, experiment_id: str, started: float) -> None:
        index = self.index
        overlap = int(self.settings["overlap"] * 1000)
        starts = [r["start_time"] for r in index.runs.values() if r["start_time"] is not None]
        ends = [r["end_time"] for r in index.runs.values() if r["end_time"] is not None]
        filters = ["attributes.status = 'RUNNING'", ACTIVE_FILTER]
        if starts:
            filters.append(f"attributes.start_time >= {int(max(starts)) - overlap}")
        else:
            filters.append("")  # empty experiment so far: read it all (cheap)
        if ends:
            filters.append(f"attributes.end_time >= {int(max(ends)) - overlap}")
        changed = {}
        for filter_string in filters:
            for run in self.tracking.search([experiment_id], filter_string):
                changed[run.info.run_id] = run_to_dict(run)
        # Runs this snapshot holds as active but MLflow no longer does were demoted elsewhere.
        for run_id, run in index.runs.items():
            if run["model_status"] == "active" and run_id not in changed:
                try:
                    changed[run_id] = run_to_dict(self.tracking.run(run_id))
                except NotFound:
                    pass  # deleted: the next resync drops it
        updates = [run for run_id, run in changed.items() if index.runs.get(run_id) != run]
        if updates:
            self._install(index.with_runs(updates, now_ms()), started)
        else:  # nothing changed: keep the sorted views and memos, note the check
            index.refreshed_at = now_ms()


class RunCache:
    """One snapshot per experiment name, created on first use."""

    MAX_EXPERIMENTS = 16

    def __init__(self, tracking: Tracking, config) -> None:
        self.tracking = tracking
        self.settings = {"refresh": config["CACHE_REFRESH_SECONDS"],
                         "max_age": config["CACHE_MAX_AGE_SECONDS"],
                         "resync": config["CACHE_RESYNC_SECONDS"],
                         "overlap": config["CACHE_OVERLAP_SECONDS"]}
        self.snapshots: OrderedDict[str, ExperimentSnapshot] = OrderedDict()
        self.lock = threading.Lock()

    def snapshot(self, name: str) -> ExperimentSnapshot:
        with self.lock:
            snapshot = self.snapshots.get(name)
            if snapshot is None:
                snapshot = self.snapshots[name] = ExperimentSnapshot(self.tracking, name,
                                                                     self.settings)
                while len(self.snapshots) > self.MAX_EXPERIMENTS:
                    self.snapshots.popitem(last=False)
            self.snapshots.move_to_end(name)
            return snapshot

    def upsert(self, runs: list[dict]) -> None:
        with self.lock:
            snapshots = list(self.snapshots.values())
        for snapshot in snapshots:
            snapshot.upsert(runs)

    def warm(self, name: str) -> None:
        """Load an experiment in the background (gunicorn workers call this at start)."""
        snapshot = self.snapshot(name)

        def work():
            try:
                snapshot.current()
            except Exception as error:  # logged; requests will retry and answer 503
                log.warning("warming the run cache failed: %s", error)

        threading.Thread(target=work, name="warm-run-cache", daemon=True).start()
