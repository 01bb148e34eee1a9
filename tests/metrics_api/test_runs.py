"""Runs over the API: shapes and values against what the tracking code logged, filters,
ordering, paging, single runs, metric histories and their errors."""

from __future__ import annotations

RUN_FIELDS = {
    "run_id",
    "progress",  # epoch, epochs and ETA of a running run; null otherwise
    "run_name",
    "experiment_id",
    "status",
    "start_time",
    "end_time",
    "artifact_uri",
    "model_type",
    "model_name",
    "framework",
    "model_status",
    "metrics",
    "params",
    "tags",
}


def ids(runs) -> list[str]:
    return [r["run_id"] for r in runs]


def newest_first(seeded) -> list[str]:
    return [r.info.run_id for r in reversed(seeded.runs)]


def test_runs_list_is_every_logged_run_newest_first(api, seeded):
    body = api.get("/api/models/runs").json()
    assert body["success"] is True
    assert body["count"] == body["total"] == len(seeded.runs)
    assert body["next_page_token"] is None
    assert ids(body["data"]) == newest_first(seeded)
    for run in body["data"]:
        assert set(run) == RUN_FIELDS


def test_a_run_carries_what_the_tracking_code_logged(api, seeded):
    logged = seeded.runs[2]  # the best two-tower run
    run = api.get(f"/api/models/runs/{logged.info.run_id}").json()["data"]
    assert run["run_name"] == logged.info.run_name and run["run_name"].startswith("two-tower-")
    assert (
        run["status"],
        run["model_type"],
        run["model_name"],
        run["framework"],
        run["model_status"],
    ) == ("FINISHED", "retrieval", "two-tower", "pytorch", "inactive")
    assert run["experiment_id"] == seeded.experiment_id
    assert run["start_time"] == logged.info.start_time and run["end_time"] >= run["start_time"]
    assert run["metrics"]["ndcg_at_10"] == 0.30
    assert run["metrics"] == logged.data.metrics
    assert run["params"]["model.embedding_dim"] == "8"
    assert run["params"] == logged.data.params
    assert run["tags"]["dataset"] == "tiny" and len(run["tags"]["git_commit"]) == 40
    assert {"data_version", "dvc_stage", "dvc_pipeline"} <= set(run["tags"])
    assert not any(key.startswith("mlflow.") for key in run["tags"])


def test_failed_run_is_reported_failed(api, seeded):
    failed = seeded.runs[3]
    run = api.get(f"/api/models/runs/{failed.info.run_id}").json()["data"]
    assert (run["status"], run["model_status"]) == ("FAILED", "failed")


def test_filters_by_type_name_and_status_tag(api, seeded):
    ranking = api.get("/api/models/runs", params={"model_type": "ranking"}).json()
    assert ids(ranking["data"]) == [
        r.info.run_id for r in reversed(seeded.runs) if r.data.tags["model_name"] == "bert4rec"
    ]
    two_tower_failed = api.get(
        "/api/models/runs", params={"model_name": "two-tower", "status": "failed"}
    ).json()
    assert ids(two_tower_failed["data"]) == [seeded.runs[3].info.run_id]
    none = api.get("/api/models/runs", params={"model_type": "baseline"}).json()
    assert none["data"] == [] and none["total"] == 0


def test_order_by_a_metric(api, seeded):
    # Validation is logged per epoch: the failed run (crashed in epoch 2) has epoch 1's value.
    best_first = api.get(
        "/api/models/runs", params={"order_by": "metrics.val_ndcg_at_10 DESC"}
    ).json()["data"]
    values = [r["metrics"].get("val_ndcg_at_10") for r in best_first]
    assert values == [0.35, 0.30, 0.25, 0.25, 0.20]
    worst_first = api.get(
        "/api/models/runs", params={"order_by": "metrics.val_ndcg_at_10 ASC"}
    ).json()["data"]
    assert [r["metrics"].get("val_ndcg_at_10") for r in worst_first] == values[::-1]
    # Test metrics are logged once, at the end: the failed run has none and comes last.
    by_test = api.get("/api/models/runs", params={"order_by": "metrics.ndcg_at_10 DESC"}).json()[
        "data"
    ]
    assert [r["metrics"].get("ndcg_at_10") for r in by_test] == [0.30, 0.25, 0.20, 0.15, None]


def test_order_by_a_metric_some_runs_lack_puts_them_last(api, seeded):
    # Only finished runs have coverage_at_100; the failed run must come last both ways.
    failed = seeded.runs[3].info.run_id
    for direction in ("ASC", "DESC"):
        runs = api.get(
            "/api/models/runs", params={"order_by": f"metrics.coverage_at_100 {direction}"}
        ).json()["data"]
        assert runs[-1]["run_id"] == failed and "coverage_at_100" not in runs[-1]["metrics"]
    oldest = api.get("/api/models/runs", params={"order_by": "start_time ASC"}).json()["data"]
    assert ids(oldest) == [r.info.run_id for r in seeded.runs]


def test_paging_walks_every_run_once(api, seeded):
    seen, token, pages = [], None, 0
    while True:
        params = {"limit": 2, "order_by": "run_name ASC"}
        if token:
            params["page_token"] = token
        body = api.get("/api/models/runs", params=params).json()
        assert body["count"] == len(body["data"]) <= 2 and body["total"] == len(seeded.runs)
        seen += ids(body["data"])
        pages += 1
        token = body["next_page_token"]
        if token is None:
            break
    assert pages == 3
    expected = sorted(seeded.runs, key=lambda r: (r.info.run_name, r.info.run_id))
    assert seen == [r.info.run_id for r in expected]


def test_page_token_of_another_order_is_refused(api):
    token = api.get("/api/models/runs", params={"limit": 1}).json()["next_page_token"]
    response = api.get(
        "/api/models/runs", params={"page_token": token, "order_by": "metrics.ndcg_at_10 DESC"}
    )
    assert response.status_code == 400 and "page_token" in response.json()["error"]


def test_metric_history_is_sorted_by_step(api, seeded):
    run_id = seeded.runs[0].info.run_id
    body = api.get(f"/api/models/runs/{run_id}/metrics/train_loss/history").json()
    assert [p["step"] for p in body["data"]] == [1, 2] and body["count"] == 2
    assert all(isinstance(p["value"], float) and p["timestamp"] > 0 for p in body["data"])
    lr = api.get(f"/api/models/runs/{run_id}/metrics/learning_rate/history").json()["data"]
    assert [p["value"] for p in lr] == [0.01, 0.005]


def test_experiments_lists_the_seeded_one(api, seeded):
    body = api.get("/api/models/experiments").json()
    mine = [e for e in body["data"] if e["name"] == seeded.experiment]
    assert body["count"] == len(body["data"])
    assert mine and mine[0]["experiment_id"] == seeded.experiment_id
    assert mine[0]["lifecycle_stage"] == "active"


def test_unknown_run_is_404_and_malformed_id_400(api):
    missing = "0" * 32
    response = api.get(f"/api/models/runs/{missing}")
    assert response.status_code == 404
    assert response.json() == {"success": False, "error": f"run {missing} not found"}
    assert api.get(f"/api/models/runs/{missing}/metrics/val_loss/history").status_code == 404
    bad = api.get("/api/models/runs/not-a-run-id")
    assert bad.status_code == 400 and bad.json()["success"] is False


def test_unknown_metric_and_experiment_are_404(api, seeded):
    run_id = seeded.runs[0].info.run_id
    assert api.get(f"/api/models/runs/{run_id}/metrics/no_such/history").status_code == 404
    response = api.get("/api/models/runs", params={"experiment_name": "no-such-experiment"})
    assert response.status_code == 404 and "no-such-experiment" in response.json()["error"]
