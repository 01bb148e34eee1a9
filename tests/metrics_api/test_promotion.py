"""Promotion (token, tags, champion alias) and how fast changes reach the cached lists."""

from __future__ import annotations

import time

import pytest
from mlflow.tracking import MlflowClient

from tests.metrics_api import seeding
from tests.metrics_api.conftest import REGISTERED_PREFIX, SUFFIX, TOKEN, seed, trainer_env

AUTH = {"Authorization": f"Bearer {TOKEN}"}
PLAN = [("two-tower", 0.2, None), ("two-tower", 0.3, None), ("bert4rec", 0.1, None),
        ("two-tower", 0.0, 2)]


@pytest.fixture(scope="module")
def promo(mlflow_server, tmp_path_factory):
    return seed(mlflow_server.url, tmp_path_factory.mktemp("promo"),
                f"metrics-api-promote-{SUFFIX}", PLAN)


def by_id(api, experiment) -> dict[str, dict]:
    runs = api.get("/api/models/runs", params={"experiment_name": experiment}).json()["data"]
    return {r["run_id"]: r for r in runs}


def wait_for(check, timeout: float = 20.0):
    """Poll until ``check()`` is truthy (the cache refreshes every couple of seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"not true after {timeout} s: {check.__doc__ or check}")


def test_promotion_needs_the_token(api, promo):
    run_id = promo.runs[0].info.run_id
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        response = api.post(f"/api/models/runs/{run_id}/promote", headers=headers)
        assert response.status_code == 401 and response.json()["success"] is False
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert by_id(api, promo.experiment)[run_id]["model_status"] == "inactive"


def test_promote_then_promote_another_demotes_the_first(api, promo, mlflow_server):
    first, second = promo.runs[0].info.run_id, promo.runs[1].info.run_id
    client = MlflowClient(mlflow_server.url)
    registered = f"{REGISTERED_PREFIX}two-tower"

    body = api.post(f"/api/models/runs/{first}/promote", headers=AUTH).json()
    assert body["success"] is True
    data = body["data"]
    assert data["run"]["run_id"] == first and data["run"]["model_status"] == "active"
    assert data["previous_active_run_id"] is None and data["alias"] == "champion"
    assert data["registered_model"] == registered
    assert client.get_model_version_by_alias(registered, "champion").run_id == first
    assert client.get_model_version(registered, data["version"]).run_id == first

    data = api.post(f"/api/models/runs/{second}/promote", headers=AUTH).json()["data"]
    assert data["previous_active_run_id"] == first
    assert client.get_run(first).data.tags["status"] == "inactive"
    assert client.get_run(second).data.tags["status"] == "active"
    assert client.get_model_version_by_alias(registered, "champion").run_id == second
    # Served by the same (single) worker: the cached list shows it at once.
    listed = by_id(api, promo.experiment)
    assert (listed[first]["model_status"], listed[second]["model_status"]) == ("inactive",
                                                                               "active")
    active = api.get("/api/models/runs", params={"experiment_name": promo.experiment,
                                                 "status": "active"}).json()["data"]
    assert [r["run_id"] for r in active] == [second]
    summary = api.get("/api/models/summary",
                      params={"experiment_name": promo.experiment}).json()["data"]
    assert summary["counts_by_status"] == {"active": 1, "inactive": 2, "failed": 1}


def test_promoting_one_model_leaves_the_other_alone(api, promo):
    bert = promo.runs[2].info.run_id
    data = api.post(f"/api/models/runs/{bert}/promote", headers=AUTH).json()["data"]
    assert data["previous_active_run_id"] is None
    assert data["registered_model"] == f"{REGISTERED_PREFIX}bert4rec"
    assert by_id(api, promo.experiment)[promo.runs[1].info.run_id]["model_status"] == "active"


def test_failed_unknown_and_malformed_runs_cannot_be_promoted(api, promo):
    failed = api.post(f"/api/models/runs/{promo.runs[3].info.run_id}/promote", headers=AUTH)
    assert failed.status_code == 409 and "FAILED" in failed.json()["error"]
    assert api.post(f"/api/models/runs/{'a' * 32}/promote", headers=AUTH).status_code == 404
    assert api.post("/api/models/runs/nope/promote", headers=AUTH).status_code == 400


def test_changes_made_elsewhere_reach_the_cache(api, promo, mlflow_server, tmp_path):
    """A tag set by another client and a run logged after the API started both show up."""
    run_id = promo.runs[0].info.run_id
    MlflowClient(mlflow_server.url).set_tag(run_id, "status", "active")

    def tag_seen():
        return by_id(api, promo.experiment)[run_id]["model_status"] == "active"
    wait_for(tag_seen)

    with pytest.MonkeyPatch.context() as patch:
        for key, value in trainer_env(promo.experiment, tmp_path, mlflow_server.url).items():
            patch.setenv(key, value)
        seeding.log_run("bert4rec", tmp_path / "late", 0.4)

    def new_run_seen():
        runs = by_id(api, promo.experiment)
        return len(runs) == len(PLAN) + 1 and any(
            r["metrics"].get("ndcg_at_10") == 0.4 and r["model_status"] == "inactive"
            for r in runs.values())
    wait_for(new_run_seen)
