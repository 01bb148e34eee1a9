"""summary over a snapshot built by the run cache from the fake tracking client."""

from __future__ import annotations

from metrics_api.champions import Champions
from metrics_api.run_cache import RunCache
from metrics_api.summary import default_goal, summarize

from tests.metrics_api.fake_tracking import DEFAULT_EXPERIMENT, FakeTracking
from tests.metrics_api.test_run_cache_unit import PREFIX, settings


def test_summary_counts_latest_best_and_the_champion(tmp_path):
    fake = FakeTracking()
    old = fake.add_run(
        "two-tower", 1000, metrics={"ndcg_at_10": 0.3}, register_as=f"{PREFIX}two-tower"
    )
    new = fake.add_run("two-tower", 2000, metrics={"ndcg_at_10": 0.2})
    bert = fake.add_run("bert4rec", 1500, metrics={"ndcg_at_10": 0.25})
    fake.add_run("bert4rec", 3000, status="FAILED", metrics={"ndcg_at_10": 0.9})
    fake.add_run("popularity", 500, metrics={"ndcg_at_10": 0.1})
    fake.aliases[f"{PREFIX}two-tower"] = {"champion": "1"}
    cache = RunCache(fake, Champions(fake, PREFIX, tmp_path), settings())
    index, _ = cache.pinned.current()

    summary = summarize(index, DEFAULT_EXPERIMENT, "ndcg_at_10", default_goal("ndcg_at_10"))
    assert summary["total_runs"] == 5
    assert summary["counts_by_type"] == {"retrieval": 2, "ranking": 2, "baseline": 1}
    assert summary["counts_by_status"] == {"active": 1, "inactive": 3, "failed": 1}
    latest = {r["model_name"]: r["run_id"] for r in summary["latest_models"]}
    assert latest["two-tower"] == new
    # The failed run's 0.9 does not count; the best finished one per type does.
    assert summary["best_runs"]["retrieval"]["run_id"] == old
    assert summary["best_runs"]["ranking"]["run_id"] == bert
    assert summary["best_runs"]["retrieval"]["model_status"] == "active"
    assert default_goal("val_loss") == "min" and summary["goal"] == "max"
