"""run_cache against the fake tracking client: pinning, stale snapshots, single-flight refreshes,
a hung MLflow, and statuses derived from the champion alias. Milliseconds, no servers."""

from __future__ import annotations

import threading

import pytest
from metrics_api.champions import Champions
from metrics_api.errors import NotFound, TrackingUnavailable
from metrics_api.run_cache import OTHER_EXPERIMENTS, RunCache
from metrics_api.serialize import run_to_dict

from tests.metrics_api.fake_tracking import DEFAULT_EXPERIMENT, FakeTracking

PREFIX = "movie-genie-"


def settings(**overrides) -> dict:
    return {
        "EXPERIMENT_NAME": DEFAULT_EXPERIMENT,
        "CACHE_REFRESH_SECONDS": 0.0,
        "CACHE_MAX_AGE_SECONDS": 3600.0,
        "CACHE_RESYNC_SECONDS": 3600.0,
        "CACHE_OVERLAP_SECONDS": 60.0,
        "MLFLOW_WAIT_SECONDS": 5.0,
        "STALE_AFTER_SECONDS": 300.0,
        **overrides,
    }


@pytest.fixture
def fake() -> FakeTracking:
    fake = FakeTracking()
    for i in range(3):
        fake.add_run("two-tower", start=1000 + i, register_as=f"{PREFIX}two-tower")
    fake.add_run("bert4rec", start=2000, register_as=f"{PREFIX}bert4rec")
    return fake


def make_cache(fake, tmp_path, **overrides) -> RunCache:
    return RunCache(fake, Champions(fake, PREFIX, tmp_path), settings(**overrides))


def loaded(cache: RunCache):
    assert cache.pinned.refresh(wait=5)
    return cache.pinned.current()


def test_first_request_loads_and_later_ones_refresh_incrementally(fake, tmp_path):
    cache = make_cache(fake, tmp_path)
    index, stale = cache.pinned.current()
    assert len(index.runs) == 4 and stale is False
    new = fake.add_run("bert4rec", start=3000)
    assert cache.pinned.refresh(wait=5)
    index, _ = cache.pinned.current()
    assert new in index.runs and len(index.runs) == 5


def test_invented_experiment_names_never_create_or_evict_snapshots(fake, tmp_path):
    cache = make_cache(fake, tmp_path)
    index, _ = loaded(cache)
    searches = fake.calls["search"]
    for i in range(80):
        with pytest.raises(NotFound):
            cache.snapshot(f"invented-{i}")
    assert cache.others == {}
    assert cache.snapshot(DEFAULT_EXPERIMENT) is cache.pinned
    assert cache.pinned.index is index  # still the same snapshot, no reload
    assert fake.calls["search"] == searches


def test_real_other_experiments_are_cached_but_never_evict_the_default(fake, tmp_path):
    for i in range(OTHER_EXPERIMENTS + 3):
        fake.experiments[f"other-{i}"] = str(100 + i)
    cache = make_cache(fake, tmp_path)
    index, _ = loaded(cache)
    for i in range(OTHER_EXPERIMENTS + 3):
        assert cache.snapshot(f"other-{i}").current()[0].runs == {}
    assert len(cache.others) == OTHER_EXPERIMENTS
    assert "other-0" not in cache.others  # least recently used went first
    assert cache.pinned.index is index


def test_mlflow_down_serves_the_last_snapshot_marked_stale(fake, tmp_path):
    cache = make_cache(fake, tmp_path, CACHE_MAX_AGE_SECONDS=0.0)
    index, _ = loaded(cache)
    fake.fail_with = TrackingUnavailable("MLflow tracking server is unreachable")
    served, stale = cache.pinned.current()
    assert stale is True
    assert served.runs == index.runs and served.refreshed_at == index.refreshed_at
    assert isinstance(cache.pinned.failure, TrackingUnavailable)
    fake.fail_with = None
    cache.pinned.failed_at = None  # the retry pause has passed
    assert cache.pinned.refresh(wait=5)
    assert cache.pinned.current()[1] is False


def test_hung_mlflow_answers_stale_without_queueing_and_refreshes_once(fake, tmp_path):
    cache = make_cache(fake, tmp_path, CACHE_MAX_AGE_SECONDS=0.0, MLFLOW_WAIT_SECONDS=0.05)
    index, _ = loaded(cache)
    before = fake.calls["aliased_runs"]
    fake.hang()
    try:
        results = []
        threads = [
            threading.Thread(target=lambda: results.append(cache.pinned.current()))
            for _ in range(10)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        # All ten answered while MLflow still hangs, from the old snapshot, marked stale.
        assert len(results) == 10 and all(stale for _, stale in results)
        assert all(served.runs == index.runs for served, _ in results)
        assert fake.calls["aliased_runs"] == before + 1  # one refresh in flight, not ten
    finally:
        fake.release()


def test_hung_mlflow_before_the_first_load_is_a_503_with_retry_after(fake, tmp_path):
    cache = make_cache(fake, tmp_path, MLFLOW_WAIT_SECONDS=0.05)
    fake.hang()
    try:
        with pytest.raises(TrackingUnavailable) as raised:
            cache.pinned.current()
        assert raised.value.status == 503 and raised.value.headers["Retry-After"].isdigit()
        assert "still loading" in raised.value.message
    finally:
        fake.release()


def test_mlflow_down_before_the_first_load_is_a_503(fake, tmp_path):
    cache = make_cache(fake, tmp_path)
    fake.fail_with = TrackingUnavailable("MLflow tracking server is unreachable")
    with pytest.raises(TrackingUnavailable, match="unreachable"):
        cache.pinned.current()


def test_statuses_follow_the_champion_alias_not_the_tag(fake, tmp_path):
    runs = sorted(fake.runs, key=lambda r: fake.runs[r].info.start_time)
    champion, tagged_only = runs[0], runs[1]
    fake.set_tag(tagged_only, "status", "active")  # a stale mirror tag, no alias
    fake.aliases[f"{PREFIX}two-tower"] = {"champion": "1"}
    cache = make_cache(fake, tmp_path)
    index, _ = loaded(cache)
    assert index.runs[champion]["model_status"] == "active"
    assert index.runs[tagged_only]["model_status"] == "inactive"
    assert sum(r["model_status"] == "active" for r in index.runs.values()) == 1

    fake.aliases[f"{PREFIX}two-tower"] = {"champion": "3"}  # moved by someone else
    assert cache.pinned.refresh(wait=5)
    index, _ = cache.pinned.current()
    assert [r for r, run in index.runs.items() if run["model_status"] == "active"] == [runs[2]]


def test_a_running_run_without_a_recent_heartbeat_is_stale_and_no_longer_re_read(fake, tmp_path):
    import time

    from metrics_api.staleness import HEARTBEAT_METRIC
    from mlflow.entities import Metric, Run, RunData, RunTag

    now = time.time()
    hour_ago = int((now - 3600) * 1000)  # started apart by more than the 60 s overlap
    silent = fake.add_run(
        "two-tower",
        start=hour_ago,
        status="RUNNING",
        metrics={HEARTBEAT_METRIC: now - 600, "train_loss": 1.0},
    )
    beating = fake.add_run(
        "two-tower",
        start=hour_ago + 600_000,
        status="RUNNING",
        metrics={HEARTBEAT_METRIC: now, "train_loss": 1.0},
    )
    cache = make_cache(fake, tmp_path)
    index, _ = loaded(cache)
    assert index.runs[silent]["model_status"] == "stale"
    assert index.runs[beating]["model_status"] == "running"

    def log_loss(run_id: str, value: float, beat: float) -> None:  # as a trainer would
        run = fake.runs[run_id]
        metrics = [
            m for m in run.data._metric_objs if m.key not in ("train_loss", HEARTBEAT_METRIC)
        ]
        metrics += [Metric("train_loss", value, 0, 1), Metric(HEARTBEAT_METRIC, beat, 0, 1)]
        tags = [RunTag(k, v) for k, v in run.data.tags.items()]
        fake.runs[run_id] = Run(run.info, RunData(metrics=metrics, params=[], tags=tags))

    log_loss(silent, 0.5, now - 590)  # still silent: this is not fetched again
    log_loss(beating, 0.5, time.time())
    assert cache.pinned.refresh(wait=5)
    index, _ = cache.pinned.current()
    assert index.runs[silent]["metrics"]["train_loss"] == 1.0
    assert index.runs[silent]["model_status"] == "stale"
    assert index.runs[beating]["metrics"]["train_loss"] == 0.5

    log_loss(silent, 0.25, time.time())  # its trainer is back
    assert cache.pinned.refresh(wait=5)
    index, _ = cache.pinned.current()
    assert index.runs[silent]["model_status"] == "running"
    assert index.runs[silent]["metrics"]["train_loss"] == 0.25


class FakeStore:
    """The store reader's interface (store_reader.py) over the fake's runs and aliases: what a
    read of MLflow's tables returns. ``fail_with`` makes every read fail."""

    def __init__(self, fake: FakeTracking) -> None:
        self.fake, self.loads, self.fail_with = fake, 0, None

    def _read(self) -> None:
        if self.fail_with is not None:
            raise self.fail_with

    def experiment_id(self, name: str) -> str | None:
        self._read()
        return self.fake.experiments.get(name)

    def aliased_runs(self, prefix: str, alias: str) -> dict[str, str]:
        self._read()
        return {
            name: self.fake.versions[name][aliases[alias]]
            for name, aliases in self.fake.aliases.items()
            if name.startswith(prefix) and alias in aliases
        }

    def runs(self, experiment_id: str, previous=None) -> dict[str, dict]:
        self._read()
        self.loads += 1
        return {
            run_id: run_to_dict(run)
            for run_id, run in self.fake.runs.items()
            if run.info.experiment_id == experiment_id
        }


def test_a_load_before_the_fork_reads_only_the_store_and_the_workers_serve_it(fake, tmp_path):
    """What a gunicorn master does before forking: one full load, not one MLflow call (so no
    MLflow client is needed to serve the first list), champions from the store's aliases."""
    champion = fake.versions[f"{PREFIX}two-tower"]["2"]
    fake.aliases[f"{PREFIX}two-tower"] = {"champion": "2"}
    store = FakeStore(fake)
    cache = RunCache(
        fake, Champions(fake, PREFIX, tmp_path), settings(CACHE_REFRESH_SECONDS=3600.0), store
    )
    primed = []  # what the routes memoise before the fork (routes.models.prime)
    cache.load_before_fork(prime=lambda index, name: primed.append((len(index.runs), name)))
    assert primed == [(4, DEFAULT_EXPERIMENT)]
    assert sum(fake.calls.values()) == 0 and store.loads == 1
    index, stale = cache.pinned.current()  # what a forked worker serves at once
    assert len(index.runs) == 4 and stale is False
    assert [r for r, run in index.runs.items() if run["model_status"] == "active"] == [champion]
    cache.warm()  # a worker's warm-up: already loaded, so no second load
    assert store.loads == 1 and sum(fake.calls.values()) == 0


def test_the_routes_prime_the_dashboards_first_page_before_the_fork(fake, tmp_path):
    """routes.models.prime memoises the dashboard's default order (its first request), not only
    the API's, so no worker sorts every run for the first page a person opens."""
    from metrics_api.ordering import parse_order
    from metrics_api.routes.models import DASHBOARD_ORDER, prime

    cache = RunCache(
        fake,
        Champions(fake, PREFIX, tmp_path),
        settings(CACHE_REFRESH_SECONDS=3600.0),
        FakeStore(fake),
    )
    cache.load_before_fork(prime=prime)
    index, _ = cache.pinned.current()

    def rebuild():
        raise AssertionError("sorted again: not primed")

    for order in ("start_time DESC", DASHBOARD_ORDER):
        rows, _positions = index.memo(parse_order(order), rebuild)
        assert len(rows) == 4


def test_a_failed_load_before_the_fork_leaves_each_worker_to_load(fake, tmp_path):
    store = FakeStore(fake)
    store.fail_with = TrackingUnavailable("MLflow's store cannot be read (OperationalError)")
    cache = RunCache(fake, Champions(fake, PREFIX, tmp_path), settings(), store)
    cache.load_before_fork()
    assert cache.pinned.index is None and cache.pinned.failure is None  # no failure inherited
    store.fail_with = None
    index, _ = loaded(cache)
    assert len(index.runs) == 4 and store.loads == 1
