"""The history cache keeps finished runs' histories only, under what is known of the run."""

from __future__ import annotations

from metrics_api.histories import HistoryCache


def run(run_id="a" * 32, status="FINISHED", end_time=1000, val_loss=0.5) -> dict:
    return {
        "run_id": run_id,
        "status": status,
        "end_time": end_time,
        "metrics": {"val_loss": val_loss},
    }


POINTS = [{"step": 0, "value": 0.5, "timestamp": 1}]


def test_a_finished_runs_history_is_kept_and_found_again():
    cache = HistoryCache()
    assert cache.get(run(), "val_loss") is None
    cache.put(run(), "val_loss", POINTS)
    assert cache.get(run(), "val_loss") == POINTS
    assert cache.get(run(), "train_loss") is None


def test_a_running_runs_history_is_never_kept():
    cache = HistoryCache()
    cache.put(run(status="RUNNING", end_time=None), "val_loss", POINTS)
    assert cache.get(run(status="RUNNING", end_time=None), "val_loss") is None
    assert HistoryCache.key(run(status="RUNNING"), "val_loss") is None


def test_any_change_to_the_run_misses():
    cache = HistoryCache()
    cache.put(run(), "val_loss", POINTS)
    for changed in (
        run(end_time=2000),
        run(val_loss=0.4),
        run(status="FAILED"),
        run(run_id="b" * 32),
    ):
        assert cache.get(changed, "val_loss") is None, changed


def test_least_recently_used_histories_go_first():
    cache = HistoryCache(size=2)
    first, second, third = (run(run_id=c * 32) for c in "abc")
    cache.put(first, "val_loss", POINTS)
    cache.put(second, "val_loss", POINTS)
    assert cache.get(first, "val_loss") == POINTS  # first is now the most recent
    cache.put(third, "val_loss", POINTS)
    assert cache.get(second, "val_loss") is None
    assert cache.get(first, "val_loss") == POINTS and cache.get(third, "val_loss") == POINTS
