"""With its own tracking server, which these tests freeze and then stop: lists and the summary
keep answering from the last snapshot marked stale, reads that need MLflow (a run no confirmed
snapshot holds) fail within seconds with 503 and Retry-After, and promotion is switched off
without a token."""

from __future__ import annotations

import contextlib
import signal

import psutil
import pytest
from mlflow.tracking import MlflowClient

from tests.harness.mlflow_server import MlflowServer
from tests.harness.process import eventually
from tests.metrics_api.conftest import start_api

pytestmark = pytest.mark.servers  # starts its own servers (not make test-fast)

RUN_ID = "0" * 32
KEPT = "kept-experiment"


@pytest.fixture(scope="module")
def lonely(tmp_path_factory):
    """An MLflow server (SQLite) of its own with one run in KEPT, and an API without a promotion
    token whose default experiment does not exist yet."""
    root = tmp_path_factory.mktemp("lonely")
    server = MlflowServer(root).start()
    client = MlflowClient(server.url)
    run = client.create_run(client.create_experiment(KEPT), tags={"model_name": "two-tower"})
    client.set_terminated(run.info.run_id, "FINISHED")
    api = start_api(
        server.url,
        "lonely-experiment",
        root / "gunicorn.log",
        METRICS_API_PROMOTE_TOKEN="",
        METRICS_API_CACHE_MAX_AGE_SECONDS="0",
    )
    yield server, api, run.info.run_id
    api.process.stop()
    server.stop()


@pytest.fixture(autouse=True)
def mlflow_up(lonely):
    """Every test starts with its MLflow answering and the API knowing it, whichever test ran
    before (one stops the server: it comes back on the same port and SQLite store)."""
    server, api, _ = lonely
    if server.server.process.poll() is not None:
        server.start()

    def fresh():
        health = api.get("/api/health").json()["data"]["mlflow"]["reachable"]
        return health and kept_runs(api).json()["stale"] is False

    eventually(fresh, "MLflow reachable from the API and its snapshot fresh", 30)


@contextlib.contextmanager
def frozen(server: MlflowServer):
    """MLflow hung: its processes stopped (SIGSTOP), so connections open but nothing answers."""
    root = psutil.Process(server.server.process.pid)
    tree = [root, *root.children(recursive=True)]
    for process in tree:
        process.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        for process in tree:
            process.send_signal(signal.SIGCONT)


def kept_runs(api):
    return api.get("/api/models/runs", params={"experiment_name": KEPT})


def test_without_a_configured_token_promotion_is_off(lonely):
    _, api, _ = lonely
    response = api.post(
        f"/api/models/runs/{RUN_ID}/promote", headers={"Authorization": "Bearer anything"}
    )
    assert response.status_code == 403
    assert "METRICS_API_PROMOTE_TOKEN" in response.json()["error"]


def test_default_experiment_not_created_yet_reads_empty(lonely):
    _, api, _ = lonely
    body = api.get("/api/models/runs").json()
    assert body["data"] == [] and body["total"] == 0 and body["stale"] is False
    assert api.get("/api/models/summary").json()["data"]["total_runs"] == 0


def test_invented_experiment_names_are_404s(lonely):
    _, api, _ = lonely
    for i in range(20):
        response = api.get("/api/models/runs", params={"experiment_name": f"invented-{i}"})
        assert response.status_code == 404 and "not found" in response.json()["error"]


def test_hung_mlflow_fails_direct_reads_with_503_and_lists_answer_stale(lonely):
    server, api, run_id = lonely
    before = kept_runs(api).json()
    assert before["stale"] is False and [r["run_id"] for r in before["data"]] == [run_id]
    with frozen(server):
        detail = api.get(f"/api/models/runs/{RUN_ID}")  # no snapshot has it: MLflow is asked
        assert detail.status_code == 503 and detail.headers["Retry-After"].isdigit()
        assert "did not answer" in detail.json()["error"]
        # MAX_AGE is 0 here: every list request wants a refresh, and gets the last snapshot.
        for _ in range(3):
            listed = kept_runs(api).json()
            assert listed["stale"] is True and listed["data"] == before["data"]
            assert listed["refreshed_at"] == before["refreshed_at"]
        # A run the snapshot holds is not served from it once MLflow could not confirm it.
        detail = api.get(f"/api/models/runs/{run_id}")
        assert detail.status_code == 503 and "did not answer" in detail.json()["error"]
    health = api.get("/api/health").json()
    assert health["data"]["mlflow"]["reachable"] is True


def test_mlflow_down_keeps_lists_up_from_the_snapshot_and_direct_reads_503(lonely):
    server, api, run_id = lonely
    summary = api.get("/api/models/summary", params={"experiment_name": KEPT}).json()
    server.stop()
    health = api.get("/api/health")
    assert health.status_code == 200
    assert health.json()["data"]["mlflow"]["reachable"] is False
    for path in (
        "/api/models/experiments",
        f"/api/models/runs/{RUN_ID}",
        f"/api/models/runs/{RUN_ID}/metrics/val_loss/history",
    ):
        response = api.get(path)
        assert response.status_code == 503, path
        assert response.json() == {"success": False, "error": response.json()["error"]}
        assert "MLflow tracking server" in response.json()["error"]
        assert response.headers["Retry-After"].isdigit()
    compare = api.post("/api/models/compare", json={"run_ids": [RUN_ID]})
    assert compare.status_code == 503
    # the first refresh after the stop notices it
    listed = eventually(lambda: (page := kept_runs(api).json())["stale"] and page, "stale", 20)
    assert listed["stale"] is True and [r["run_id"] for r in listed["data"]] == [run_id]
    stale = api.get("/api/models/summary", params={"experiment_name": KEPT}).json()
    assert stale["stale"] is True and stale["data"]["stale"] is True
    assert stale["data"]["total_runs"] == summary["data"]["total_runs"] == 1
    assert stale["refreshed_at"] == stale["data"]["refreshed_at"] >= summary["refreshed_at"]
