"""An incrementally refreshed, in-memory view of each experiment's runs.

MLflow's search costs ~2.5 ms per run returned, so listing or summarising 10,000 runs per
request is out of the question. Each experiment gets a snapshot, loaded once in full and then
refreshed with a few small searches whose filters are built from numbers only:

* runs started at or after the newest ``start_time`` seen (minus an overlap): new runs;
* runs still ``RUNNING`` that beat recently: their metrics grow while they train (a silent one
  is marked ``stale`` and left alone, see staleness.py);
* runs ended at or after the newest ``end_time`` seen (minus the overlap): finished, failed or
  killed since, with the tags the trainer sets at the end;
* runs tagged ``status = 'active'``, and the runs the snapshot thinks are active: promotions made
  by another worker or client.

Anything else (deleted runs, tags edited by hand on old runs) is picked up by the periodic full
resync. A snapshot is replaced as a whole, never mutated, so request threads read it lock-free.

Refreshes are single-flight and never make a request queue behind MLflow: a request waits for
an in-flight refresh at most ``MLFLOW_WAIT_SECONDS`` (2.5 s), then is answered from the last
snapshot marked ``stale`` (or, with no snapshot yet, a 503 with ``Retry-After``). The configured
experiment's snapshot is pinned; another experiment gets one only once MLflow confirms it exists,
so invented names can neither fill the cache nor evict anything.
"""

from __future__ import annotations

import gc
import json
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from .champions import Champions, with_status
from .errors import ApiError, NotFound, TrackingUnavailable
from .ordering import Order
from .query.columns import Columns
from .serialize import run_to_dict
from .staleness import is_stale, live_filters, marked
from .store_reader import StoreReader
from .tracking import ACTIVE_FILTER, Tracking

log = logging.getLogger(__name__)
VIEW_CACHE_SIZE = 8  # sorted views and summaries kept per snapshot
SEARCH_CACHE_SIZE = 16  # searches' matching rows kept per snapshot (paging is then a slice)
JSON_CACHE_RUNS = 20_000  # runs kept serialised per snapshot (the pages people look at)
FAILURE_RETRY_SECONDS = 1.0  # after a failed refresh, don't ask MLflow again sooner than this
OTHER_EXPERIMENTS = 8  # snapshots kept besides the pinned default one (least recently used go)


@dataclass(eq=False)
class RunIndex:
    """Immutable once built: runs by id, plus sorted views built on demand."""

    experiment_id: str | None
    runs: dict[str, dict]
    refreshed_at: int  # ms epoch of the last refresh that confirmed it
    champions_version: int = -1  # Champions.version its model_status values are derived from
    _views: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _searches: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _columns: Columns | None = field(default=None, repr=False)
    _json: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def columns(self) -> Columns:
        """The runs as columns for searches (query/columns.py), built on first use."""
        if self._columns is None:
            self._columns = Columns(list(self.runs.values()))
        return self._columns

    def sorted_view(self, order: Order) -> tuple[list[tuple[tuple, dict]], np.ndarray]:
        """``(rows, positions)``: ``(sort_key, run)`` rows in ``order``, and where each row's
        run sits in ``columns`` (so a search's answer per run can be read in this order)."""

        def build():
            runs = self.columns.runs
            keys = [order.sort_key(run) for run in runs]
            ranked = sorted(range(len(runs)), key=keys.__getitem__)
            return [(keys[i], runs[i]) for i in ranked], np.array(ranked, dtype=np.int64)

        return self.memo(order, build)

    def sorted_rows(self, order: Order) -> list[tuple[tuple, dict]]:
        return self.sorted_view(order)[0]

    def run_json(self, run: dict) -> str:
        """``run`` as JSON, serialised once per snapshot (runs never change within one)."""
        text = self._json.get(run["run_id"])
        if text is None:
            text = json.dumps(run, sort_keys=True, separators=(",", ":"))
            if len(self._json) >= JSON_CACHE_RUNS:
                self._json.clear()
            self._json[run["run_id"]] = text
        return text

    def with_runs(self, changed: list[dict], refreshed_at: int) -> RunIndex:
        runs = dict(self.runs)
        runs.update((run["run_id"], run) for run in changed)
        gone = {run["run_id"] for run in changed}
        kept = {run_id: text for run_id, text in self._json.items() if run_id not in gone}
        return RunIndex(self.experiment_id, runs, refreshed_at, self.champions_version, _json=kept)

    def derived(self, champions: frozenset[str], version: int) -> RunIndex:
        """This index with ``model_status`` derived from ``champions`` (itself if unchanged)."""
        if version == self.champions_version:
            return self
        changed = [
            new for run in self.runs.values() if (new := with_status(run, champions)) is not run
        ]
        if not changed:
            self.champions_version = version  # same statuses: keep the sorted views
            return self
        index = self.with_runs(changed, self.refreshed_at)
        index.champions_version = version
        return index

    def memo(self, key, compute, search: bool = False):
        """Per-snapshot memo (least recently used go) for derived results: sorted views and
        summaries, or (``search``) searches' matching rows, kept apart so that a person
        typing queries does not push the sorted views out."""
        kept, size = (
            (self._searches, SEARCH_CACHE_SIZE) if search else (self._views, VIEW_CACHE_SIZE)
        )
        with self._lock:
            if key in kept:
                kept.move_to_end(key)
                return kept[key]
        value = compute()
        with self._lock:
            kept[key] = value
            while len(kept) > size:
                kept.popitem(last=False)
        return value


def now_ms() -> int:
    return int(time.time() * 1000)


class ExperimentSnapshot:
    def __init__(
        self,
        tracking: Tracking,
        champions: Champions,
        name: str,
        settings: dict,
        store: StoreReader | None = None,
    ) -> None:
        self.tracking, self.champions, self.name, self.settings = (
            tracking,
            champions,
            name,
            settings,
        )
        self.store = store  # full loads from MLflow's store when configured (store_reader.py)
        self.index: RunIndex | None = None
        self.checked_at = 0.0  # monotonic time of the last successful refresh
        self.resynced_at = 0.0
        self.failed_at: float | None = None
        self.failure: ApiError | None = None
        self._lock = threading.Lock()  # the fields above and the in-flight refresh
        self._inflight: threading.Event | None = None

    # ---- what requests call -------------------------------------------------------------

    def current(self) -> tuple[RunIndex, bool]:
        """``(snapshot, stale)``: the snapshot to serve and whether MLflow could not confirm
        it. Starts a refresh when one is due, waits for it only when the snapshot is too old (or
        missing), and then at most ``wait`` seconds: requests never queue behind MLflow."""
        age = time.monotonic() - self.checked_at
        waited_in_vain = False
        if self.index is None or age > self.settings["refresh"]:
            must_wait = self.index is None or age > self.settings["max_age"]
            finished = self.refresh(wait=self.settings["wait"] if must_wait else 0)
            waited_in_vain = must_wait and not finished
        index = self.index
        if index is None:
            if self.failure is not None:
                raise self.failure
            raise TrackingUnavailable(
                f"still loading the runs of experiment {self.name!r}; retry shortly"
            )
        derived = index.derived(*self.champions.state())
        if derived is not index:
            with self._lock:
                if self.index is index:
                    self.index = derived
        # Stale: MLflow failed the last refresh, or hung through the wait for a due one.
        return derived, self.failure is not None or waited_in_vain

    # ---- refreshing -----------------------------------------------------------------------

    def refresh(self, wait: float = 0) -> bool:
        """Start a refresh (or join the one in flight); True if it ended within ``wait`` s."""
        done = self._refresh_in_background()
        return done is not None and done.wait(wait)

    def _refresh_in_background(self) -> threading.Event | None:
        """The in-flight refresh (started if none), or None while a failure is fresh."""
        with self._lock:
            if self._inflight is not None:
                return self._inflight
            if (
                self.failed_at is not None
                and time.monotonic() - self.failed_at < FAILURE_RETRY_SECONDS
            ):
                return None  # don't hammer a server that just failed
            done = self._inflight = threading.Event()

        def work():
            try:
                self._refresh()
            finally:
                with self._lock:
                    self._inflight = None
                done.set()

        threading.Thread(target=work, name=f"refresh-{self.name}", daemon=True).start()
        return done

    def _refresh(self) -> None:
        """Runs in the refresh thread. Records a failure instead of raising it."""
        started = time.monotonic()
        try:
            due = self.index is None or started - self.resynced_at > self.settings["resync"]
            # A full load from the store reads the experiment and the aliases there too: one
            # source, and no MLflow client needed for a worker's first list (tracking.py).
            source = self.store if due and self.store is not None else self.tracking
            self.champions.reload(source)
            experiment_id = source.experiment_id(self.name)
            full = due or experiment_id != self.index.experiment_id
            if experiment_id is None:
                self._install(RunIndex(None, {}, now_ms()))
            elif full:
                if self.store is not None:
                    previous = self.index.runs if self.index is not None else None
                    runs = self.store.runs(experiment_id, previous)
                else:
                    runs = {
                        r.info.run_id: run_to_dict(r) for r in self.tracking.search([experiment_id])
                    }
                cutoff = self._stale_cutoff()
                runs = {run_id: marked(run, cutoff) for run_id, run in runs.items()}
                self._install(RunIndex(experiment_id, runs, now_ms()))
                self.resynced_at = started
                log.info(
                    "loaded %d runs of experiment %r in %.1f s",
                    len(runs),
                    self.name,
                    time.monotonic() - started,
                )
            else:
                self._refresh_incrementally(experiment_id)
            with self._lock:
                self.checked_at, self.failure, self.failed_at = started, None, None
        except ApiError as error:  # 503/502 and MLflow's 4xx alike: keep serving the last one
            with self._lock:
                self.failure, self.failed_at = error, time.monotonic()
            log.warning("refreshing experiment %r failed: %s", self.name, error.message)
        except Exception as error:  # a bug must not leave the cache refreshing forever
            log.exception("refreshing experiment %r failed", self.name)
            with self._lock:
                self.failure = TrackingUnavailable(f"refreshing the runs failed ({error!r})")
                self.failed_at = time.monotonic()

    def _install(self, index: RunIndex) -> None:
        """Swap in a new snapshot, its statuses derived here rather than in a request."""
        index = index.derived(*self.champions.state())
        with self._lock:
            self.index = index

    def _stale_cutoff(self) -> float:
        return time.time() - self.settings["stale_after"]

    def _refresh_incrementally(self, experiment_id: str) -> None:
        index = self.index
        overlap = int(self.settings["overlap"] * 1000)
        starts = [r["start_time"] for r in index.runs.values() if r["start_time"] is not None]
        ends = [r["end_time"] for r in index.runs.values() if r["end_time"] is not None]
        cutoff = self._stale_cutoff()
        filters = [*live_filters(cutoff), ACTIVE_FILTER]
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
        # Runs whose mirror tag this snapshot holds as active but MLflow no longer does.
        for run_id, run in index.runs.items():
            if run["tags"].get("status") == "active" and run_id not in changed:
                try:
                    changed[run_id] = run_to_dict(self.tracking.run(run_id))
                except NotFound:
                    pass  # deleted: the next resync drops it
        for run_id, run in index.runs.items():  # RUNNING, not found live: silent since cutoff
            if run_id not in changed and run["status"] == "RUNNING":
                changed[run_id] = _raw(run)
        changed = {run_id: marked(run, cutoff) for run_id, run in changed.items()}
        updates = [
            run
            for run_id, run in changed.items()
            if _raw(index.runs.get(run_id)) != _raw(run)
            or is_stale(index.runs.get(run_id)) != is_stale(run)
        ]
        if updates:
            champions, _ = self.champions.state()
            self._install(index.with_runs([with_status(r, champions) for r in updates], now_ms()))
        else:  # nothing changed: keep the sorted views and memos, note the check
            index.refreshed_at = now_ms()


def _raw(run: dict | None) -> dict | None:
    """A cached run as ``run_to_dict`` made it (before the status was derived)."""
    if run is None or run["model_status"] == run["tags"].get("status"):
        return run
    return {**run, "model_status": run["tags"].get("status")}


class RunCache:
    """The pinned snapshot of the configured experiment, and a few others on demand."""

    def __init__(
        self, tracking: Tracking, champions: Champions, config, store: StoreReader | None = None
    ) -> None:
        self.tracking, self.champions, self.store = tracking, champions, store
        self.default = config["EXPERIMENT_NAME"]
        self.settings = {
            "refresh": config["CACHE_REFRESH_SECONDS"],
            "max_age": config["CACHE_MAX_AGE_SECONDS"],
            "resync": config["CACHE_RESYNC_SECONDS"],
            "overlap": config["CACHE_OVERLAP_SECONDS"],
            "wait": config["MLFLOW_WAIT_SECONDS"],
            "stale_after": config["STALE_AFTER_SECONDS"],
        }
        self.pinned = self._new(self.default)
        self.others: OrderedDict[str, ExperimentSnapshot] = OrderedDict()
        self.lock = threading.Lock()

    def _new(self, name: str) -> ExperimentSnapshot:
        return ExperimentSnapshot(self.tracking, self.champions, name, self.settings, self.store)

    def snapshot(self, name: str) -> ExperimentSnapshot:
        """The snapshot of ``name``; 404 for an experiment MLflow does not have."""
        if name == self.default:
            return self.pinned
        with self.lock:
            snapshot = self.others.get(name)
            if snapshot is not None:
                self.others.move_to_end(name)
                return snapshot
        if self.tracking.experiment_id(name) is None:  # asked before anything is created
            raise NotFound(f"experiment {name!r} not found")
        with self.lock:
            snapshot = self.others.setdefault(name, self._new(name))
            self.others.move_to_end(name)
            while len(self.others) > OTHER_EXPERIMENTS:
                self.others.popitem(last=False)
            return snapshot

    def load_before_fork(self, prime=None) -> None:
        """Load the configured experiment from the store now, in this thread: a gunicorn master
        does it once before forking its workers, which then serve at once instead of each
        loading the same runs on the same CPUs (cold start at 10,000 runs, issue 13). Without a
        store (REST takes minutes at scale) or on failure, each worker loads on its own."""
        if self.store is None:
            return
        self.pinned._refresh()
        if self.pinned.index is None:
            self.pinned.failure = self.pinned.failed_at = None  # the workers try again
            return
        if prime is not None:  # the default views, memoised in the snapshot the workers share
            prime(self.pinned.index, self.default)
        # Its age counts from now, when the workers start serving it: a load that took longer
        # than CACHE_MAX_AGE_SECONDS (100,000 runs on a busy machine) must not make every
        # worker's first requests wait on a refresh. The next refresh still reads every change
        # since (its searches start from the newest start and end times the snapshot holds).
        self.pinned.checked_at = time.monotonic()
        # Out of the collector's sight: it would otherwise touch every run in every worker and
        # un-share the pages the fork shares (copy-on-write).
        gc.freeze()

    def find(self, run_id: str) -> dict | None:
        """``run_id`` from a loaded snapshot whose last refresh succeeded (as current as the
        lists), its status derived; None when no such snapshot holds it (read MLflow then)."""
        with self.lock:
            snapshots = [self.pinned, *self.others.values()]
        for snapshot in snapshots:
            if snapshot.index is None or run_id not in snapshot.index.runs:
                continue
            index, stale = snapshot.current()
            run = index.runs.get(run_id)
            return None if stale else run
        return None

    def warm(self) -> None:
        """Start loading the configured experiment unless it is loaded (gunicorn workers call
        this at start), then import MLflow's client in the background, off the first list's
        path (tracking.py)."""
        loaded = None if self.pinned.index is not None else self.pinned._refresh_in_background()

        def import_client():
            if loaded is not None:
                loaded.wait()
            try:
                self.tracking.prepare()
            except Exception:  # it is imported again, and fails loudly, where it is used
                log.exception("importing MLflow's client failed")

        threading.Thread(target=import_client, name="import-mlflow", daemon=True).start()
