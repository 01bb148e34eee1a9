"""Promotion against a real MLflow with the API under gunicorn at the production worker count
(2): the champion alias is the one truth, promotions are serialised, refusals are 409s, and
the request after a promotion shows the new champion whichever worker serves it."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
import requests
from mlflow.tracking import MlflowClient

from tests.harness.process import eventually
from tests.metrics_api import seeding
from tests.metrics_api.conftest import (
    REGISTERED_PREFIX,
    SUFFIX,
    TOKEN,
    seed,
    start_api,
    trainer_env,
)

AUTH = {"Authorization": f"Bearer {TOKEN}"}
PLAN = [
    ("two-tower", 0.2, None),
    ("two-tower", 0.3, None),
    ("bert4rec", 0.1, None),
    ("two-tower", 0.0, 2),
]
TWO_TOWER = f"{REGISTERED_PREFIX}two-tower"


@pytest.fixture(scope="module")
def promo(mlflow_server, tmp_path_factory):
    seeded = seed(
        mlflow_server.url, tmp_path_factory.mktemp("promo"), f"metrics-api-promote-{SUFFIX}", PLAN
    )
    # A baseline run: finished, named, but it never registers a model version.
    client = MlflowClient(mlflow_server.url)
    run = client.create_run(
        seeded.experiment_id,
        tags={"model_name": "popularity", "model_type": "baseline", "status": "inactive"},
    )
    client.set_terminated(run.info.run_id, "FINISHED")
    seeded.baseline_run_id = run.info.run_id
    return seeded


@pytest.fixture(scope="module")
def api(mlflow_server, promo, tmp_path_factory):
    """This module's own API: the promotion experiment is its experiment, with 2 workers."""
    server = start_api(
        mlflow_server.url,
        promo.experiment,
        tmp_path_factory.mktemp("promo-api") / "gunicorn.log",
        METRICS_API_WORKERS="2",
    )
    yield server
    server.process.stop()


def promote(api, run_id: str) -> requests.Response:
    # A fresh connection per request: the kernel spreads them over both workers.
    return requests.post(f"{api.url}/api/models/runs/{run_id}/promote", headers=AUTH, timeout=60)


def by_id(api, experiment=None) -> dict[str, dict]:
    params = {"experiment_name": experiment} if experiment else {}
    runs = requests.get(f"{api.url}/api/models/runs", params=params, timeout=30).json()["data"]
    return {r["run_id"]: r for r in runs}


def active_runs(api, model_name: str) -> list[str]:
    response = requests.get(
        f"{api.url}/api/models/runs",
        timeout=30,
        params={"status": "active", "model_name": model_name},
    )
    assert response.status_code == 200, response.text
    return [r["run_id"] for r in response.json()["data"]]


def test_promotion_needs_the_token(api, promo):
    run_id, champion = promo.runs[0].info.run_id, promo.runs[1].info.run_id
    assert promote(api, champion).status_code == 200  # this test's state: runs[1] is champion
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        response = api.post(f"/api/models/runs/{run_id}/promote", headers=headers)
        assert response.status_code == 401 and response.json()["success"] is False
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    listed = by_id(api)
    assert (listed[run_id]["model_status"], listed[champion]["model_status"]) == (
        "inactive",
        "active",
    )


def test_promote_then_promote_another_demotes_the_first(api, promo, mlflow_server):
    first, second = promo.runs[0].info.run_id, promo.runs[1].info.run_id
    client = MlflowClient(mlflow_server.url)
    assert promote(api, second).status_code == 200  # this test's state, whatever ran before

    body = promote(api, first).json()
    assert body["success"] is True
    data = body["data"]
    assert data["run"]["run_id"] == first and data["run"]["model_status"] == "active"
    assert data["previous_active_run_id"] == second and data["alias"] == "champion"
    assert data["registered_model"] == TWO_TOWER
    assert client.get_model_version_by_alias(TWO_TOWER, "champion").run_id == first
    assert client.get_model_version(TWO_TOWER, data["version"]).run_id == first

    data = promote(api, second).json()["data"]
    assert data["previous_active_run_id"] == first
    assert client.get_model_version_by_alias(TWO_TOWER, "champion").run_id == second
    # The status tag mirrors the alias for MLflow UI readers.
    assert client.get_run(first).data.tags["status"] == "inactive"
    assert client.get_run(second).data.tags["status"] == "active"
    listed = by_id(api)
    assert (listed[first]["model_status"], listed[second]["model_status"]) == ("inactive", "active")
    assert active_runs(api, "two-tower") == [second]
    # The summary counts what the list shows (other tests may have promoted bert4rec or logged
    # a run here: their state is theirs), the demoted run among the inactive ones.
    summary = api.get("/api/models/summary").json()["data"]
    assert summary["counts_by_status"] == dict(Counter(r["model_status"] for r in listed.values()))
    assert summary["counts_by_status"]["failed"] == 1


def test_promoting_one_model_leaves_the_other_alone(api, promo):
    """bert4rec has one run here and only this test promotes it: no previous champion, or
    itself (promoting the champion again)."""
    two_tower, bert = promo.runs[1].info.run_id, promo.runs[2].info.run_id
    assert promote(api, two_tower).status_code == 200
    data = promote(api, bert).json()["data"]
    assert data["previous_active_run_id"] is None
    assert data["registered_model"] == f"{REGISTERED_PREFIX}bert4rec"
    listed = by_id(api)
    assert (listed[two_tower]["model_status"], listed[bert]["model_status"]) == ("active", "active")


def test_failed_unknown_and_malformed_runs_cannot_be_promoted(api, promo):
    failed = promote(api, promo.runs[3].info.run_id)
    assert failed.status_code == 409 and "FAILED" in failed.json()["error"]
    assert promote(api, "a" * 32).status_code == 404
    assert api.post("/api/models/runs/nope/promote", headers=AUTH).status_code == 400


def test_a_run_without_a_registered_version_is_a_409_with_a_message(api, promo):
    response = promote(api, promo.baseline_run_id)
    assert response.status_code == 409
    assert "no version of registered model" in response.json()["error"]
    assert by_id(api)[promo.baseline_run_id]["model_status"] == "inactive"


def test_a_run_of_another_experiment_is_a_409(api, seeded, mlflow_server):
    outsider = seeded.runs[0].info.run_id  # the main test experiment, not this API's
    response = promote(api, outsider)
    assert response.status_code == 409 and "another experiment" in response.json()["error"]
    assert MlflowClient(mlflow_server.url).get_run(outsider).data.tags["status"] == "inactive"


def test_fifty_pairs_of_concurrent_promotions_end_with_one_active_run(api, promo, mlflow_server):
    """Each trial: two promotions of the same model at once, on separate connections (so on
    both workers); then the next requests, to either worker, show exactly the alias's run."""
    client = MlflowClient(mlflow_server.url)
    runs = [promo.runs[0].info.run_id, promo.runs[1].info.run_id]
    for trial in range(50):
        pair = runs if trial % 2 else runs[::-1]
        start, statuses = threading.Barrier(2), []

        def send(run_id, start, statuses):
            start.wait()
            statuses.append(promote(api, run_id).status_code)

        threads = [threading.Thread(target=send, args=(r, start, statuses)) for r in pair]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert statuses == [200, 200], (trial, statuses)
        champion = client.get_model_version_by_alias(TWO_TOWER, "champion").run_id
        for _ in range(2):  # fresh connections: the kernel hands them to either worker
            assert active_runs(api, "two-tower") == [champion], trial
        mirrored = client.search_runs(
            [promo.experiment_id], "tags.status = 'active' AND tags.model_name = 'two-tower'"
        )
        assert [r.info.run_id for r in mirrored] == [champion], trial
    # The access log starts with the worker's pid: both workers answered those reads.
    pids = {
        line.split()[0]
        for line in api.process.log_path.read_text().splitlines()
        if '"GET /api/models/runs?status=active' in line
    }
    assert len(pids) == 2, pids


def test_an_alias_moved_elsewhere_reaches_the_cache(api, promo, mlflow_server, tmp_path):
    """The alias moved by another client and a run logged after the API started both show."""
    client = MlflowClient(mlflow_server.url)
    first = promo.runs[0].info.run_id
    version = next(
        v.version
        for v in client.search_model_versions(f"name = '{TWO_TOWER}'")
        if v.run_id == first
    )
    client.set_registered_model_alias(TWO_TOWER, "champion", version)

    def alias_seen():
        return active_runs(api, "two-tower") == [first]

    eventually(alias_seen, "the champion alias on the first run in the API", 20)

    logged_before = len(by_id(api))
    with pytest.MonkeyPatch.context() as patch:
        for key, value in trainer_env(promo.experiment, tmp_path, mlflow_server.url).items():
            patch.setenv(key, value)
        seeding.log_run("bert4rec", tmp_path / "late", 0.4)

    def new_run_seen():
        runs = by_id(api)
        return len(runs) == logged_before + 1 and any(
            r["metrics"].get("ndcg_at_10") == 0.4 and r["model_status"] == "inactive"
            for r in runs.values()
        )

    eventually(new_run_seen, "the newly logged run in the API", 20)


def history(api, model_name: str = "two-tower") -> requests.Response:
    return api.get(f"/api/models/champions/{model_name}/history")


def test_promote_a_then_b_then_roll_back_returns_to_a_and_the_registry_lists_three(
    api, promo, mlflow_server
):
    client = MlflowClient(mlflow_server.url)
    a, b = promo.runs[0].info.run_id, promo.runs[1].info.run_id
    # This test's state, whatever ran before (no champion yet, or a): b is the champion, so
    # promoting a moves the alias.
    assert promote(api, b).status_code == 200
    version_a = promote(api, a).json()["data"]["version"]
    version_b = promote(api, b).json()["data"]["version"]
    response = api.post("/api/models/champions/two-tower/rollback", headers=AUTH)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert (data["version"], data["run"]["run_id"], data["previous_active_run_id"]) == (
        version_a,
        a,
        b,
    )
    assert client.get_model_version_by_alias(TWO_TOWER, "champion").version == version_a
    assert active_runs(api, "two-tower") == [a]

    body = history(api).json()
    assert body["success"] is True and body["count"] == len(body["data"]["changes"])
    assert body["data"]["registered_model"] == TWO_TOWER
    assert body["data"]["current_version"] == version_a
    newest = body["data"]["changes"][:3]
    assert [(c["action"], c["version"], c["previous_version"]) for c in newest] == [
        ("rollback", version_a, version_b),
        ("promote", version_b, version_a),
        ("promote", version_a, version_b),
    ]
    assert {c["promoted_by"] for c in newest} == {"automation (promotion token)"}
    assert newest[0]["run_name"] == promo.runs[0].info.run_name
    assert newest[0]["previous_run_name"] == promo.runs[1].info.run_name
    # The key numbers of both runs, from the runs the trainer logged.
    assert newest[0]["metrics"]["ndcg_at_10"] == PLAN[0][1]
    assert newest[0]["previous_metrics"]["ndcg_at_10"] == PLAN[1][1]
    # The registry holds the records: MLflow's own client sees them.
    tags = client.get_registered_model(TWO_TOWER).tags
    assert len([k for k in tags if k.startswith("champion_history.")]) == body["count"]


def test_champion_history_and_roll_back_refuse_bad_input_with_json(api, promo):
    cases = {
        "malformed name": history(api, "bad..name"),
        "unknown model": history(api, "no-such-model"),
        "roll back, no credentials": api.post("/api/models/champions/two-tower/rollback"),
        "roll back, wrong token": api.post(
            "/api/models/champions/two-tower/rollback", headers={"Authorization": "Bearer no"}
        ),
        "roll back, unknown model": api.post(
            "/api/models/champions/no-such-model/rollback", headers=AUTH
        ),
        "history, POST": api.post("/api/models/champions/two-tower/history"),
    }
    assert {k: r.status_code for k, r in cases.items()} == {
        "malformed name": 400,
        "unknown model": 404,
        "roll back, no credentials": 401,
        "roll back, wrong token": 401,
        "roll back, unknown model": 404,
        "history, POST": 405,
    }
    assert all(r.json()["success"] is False and r.json()["error"] for r in cases.values())


def test_roll_back_with_no_earlier_champion_is_a_409(api, promo):
    # bert4rec has one registered run here: promoting it again records no second change.
    assert promote(api, promo.runs[2].info.run_id).status_code == 200
    response = api.post("/api/models/champions/bert4rec/rollback", headers=AUTH)
    assert response.status_code == 409 and "nothing to roll back to" in response.json()["error"]
    data = history(api, "bert4rec").json()["data"]
    assert [c["action"] for c in data["changes"]] == ["promote"]
    assert data["current_version"] == data["changes"][0]["version"]
