"""The whole flow end to end: `make demo` from a clean state, then again on the same state."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import requests
from mlflow.tracking import MlflowClient
from playwright.sync_api import expect

pytestmark = pytest.mark.servers  # starts its own servers (not make test-fast)

MODELS = {
    "two-tower": "retrieval",
    "bert4rec": "ranking",
    "popularity": "baseline",
    "ease": "baseline",
}
CARDS = "[data-testid=run-card]"


def api_runs(demo) -> list[dict]:
    body = requests.get(f"{demo.api}/api/models/runs", params={"limit": 100}, timeout=30).json()
    assert body["success"] is True
    return body["data"]


def test_demo_trains_and_tracks_every_model(demo, monkeypatch):
    runs = api_runs(demo)
    assert {run["model_name"]: run["model_type"] for run in runs} == MODELS
    # Zero-config, yet no anonymous access: the demo generated the admin and printed how to sign in.
    secrets = dict(
        line.split("=", 1) for line in (demo.state / "credentials.env").read_text().split()
    )
    password = secrets["MLFLOW_AUTH_ADMIN_PASSWORD"]
    assert f"user admin, password {password}" in demo.first_output
    search = f"{demo.mlflow}/api/2.0/mlflow/experiments/search"
    assert requests.post(search, json={"max_results": 5}, timeout=10).status_code == 401
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "admin")
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", password)
    client = MlflowClient(demo.mlflow)
    for run in runs:
        assert run["status"] == "FINISHED" and run["model_status"] == "inactive"
        for metric in (
            "val_ndcg_at_10",
            "recall_at_10",
            "ndcg_at_10",
            "coverage_at_100",
            "training_time_seconds",
        ):
            assert 0 <= run["metrics"][metric] < float("inf")
        artifacts = {a.path for a in client.list_artifacts(run["run_id"])}
        assert "metrics.json" in artifacts, artifacts
    summary = requests.get(f"{demo.api}/api/models/summary", timeout=30).json()["data"]
    assert summary["total_runs"] == 4
    assert summary["counts_by_type"] == {"retrieval": 1, "ranking": 1, "baseline": 2}
    # The MLflow UI answers on the port the demo printed.
    assert requests.get(f"{demo.mlflow}/health", timeout=10).text.strip() == "OK"
    assert f"dashboard   http://localhost:{demo.ports['WEB_PORT']}/metrics" in demo.first_output


def test_dashboard_shows_the_runs_and_compares_two(demo, page):
    page.goto(demo.web + "/metrics")
    expect(page.get_by_test_id("total-runs")).to_have_text("4")
    expect(page.locator(CARDS)).to_have_count(4)
    for model_type in ("retrieval", "ranking"):
        card = page.locator(f"{CARDS}[data-model-type={model_type}]")
        card.get_by_label(re.compile("^Compare")).click()
        expect(card.get_by_label(re.compile("^Compare"))).to_be_checked()
    page.get_by_role("link", name="Compare runs").click()
    expect(page).to_have_url(re.compile(r"/metrics/compare\?runs=[0-9a-f]{32},[0-9a-f]{32}$"))
    expect(
        page.get_by_test_id("metric-bar-chart").first.locator("path.recharts-rectangle")
    ).to_have_count(6)


def test_the_demo_serves_previews_with_no_extra_step(demo):
    """The recommender runs in the demo and reads the data its pipeline prepared."""
    runs = {run["model_name"]: run["run_id"] for run in api_runs(demo)}
    processed = demo.state / "pipeline" / "data" / "processed"
    users = pd.read_parquet(processed / "users.parquet").merge(
        pd.read_parquet(processed / "split.parquet"), on="user_idx"
    )
    user_id = int(users["user_id"].iloc[0])
    preview = f"{demo.api}/api/models/runs/{runs['two-tower']}/recommendations"
    body = requests.get(preview, params={"user_id": user_id}, timeout=120).json()
    assert body["success"] is True, body
    picks = body["data"]["recommendations"]
    assert len(picks) == 10 and all(p["title"] and p["genres"] for p in picks)
    assert len(body["data"]["history"]) == 10
    found = requests.get(f"{demo.api}/api/movies", params={"q": "star wars"}, timeout=30).json()
    history = [movie["movie_id"] for movie in found["data"]]
    posted = requests.post(preview, json={"history": history}, timeout=120).json()
    assert history and len(posted["data"]["recommendations"]) == 10, posted


def test_second_demo_on_the_same_state_is_ready_without_retraining(demo):
    before = {run["run_id"] for run in api_runs(demo)}
    demo.stop()
    output = demo.start()
    for stage in (
        "prepare",
        "two_tower_training",
        "bert4rec_training",
        "baselines",
        "ease_baseline",
    ):
        assert f"Stage '{stage}' didn't change, skipping" in output
    assert "Running stage" not in output
    assert {run["run_id"] for run in api_runs(demo)} == before
