"""With its own tracking server, which these tests stop: 503s, and promotion switched off."""

from __future__ import annotations

import time

import pytest

from tests.harness.mlflow_server import MlflowServer
from tests.metrics_api.conftest import start_api

RUN_ID = "0" * 32


@pytest.fixture(scope="module")
def lonely(tmp_path_factory):
    """An MLflow server (SQLite) of its own, and an API without a promotion token."""
    root = tmp_path_factory.mktemp("lonely")
    server = MlflowServer(root).start()
    api = start_api(server.url, "lonely-experiment", root / "gunicorn.log",
                    METRICS_API_PROMOTE_TOKEN="")
    yield server, api
    api.process.stop()
    server.stop()


def test_without_a_configured_token_promotion_is_off(lonely):
    _, api = lonely
    response = api.post(f"/api/models/runs/{RUN_ID}/promote",
                        headers={"Authorization": "Bearer anything"})
    assert response.status_code == 403
    assert "METRICS_API_PROMOTE_TOKEN" in response.json()["error"]


def test_default_experiment_not_created_yet_reads_empty(lonely):
    _, api = lonely
    body = api.get("/api/models/runs").json()
    assert body["data"] == [] and body["total"] == 0
    assert api.get("/api/models/summary").json()["data"]["total_runs"] == 0


def test_mlflow_down_is_503_with_a_message_and_health_stays_up(lonely):
    server, api = lonely
    server.stop()
    health = api.get("/api/health")
    assert health.status_code == 200
    assert health.json()["data"]["mlflow"]["reachable"] is False
    for path in ("/api/models/experiments", f"/api/models/runs/{RUN_ID}",
                 f"/api/models/runs/{RUN_ID}/metrics/val_loss/history"):
        response = api.get(path)
        assert response.status_code == 503, path
        assert response.json() == {"success": False, "error": response.json()["error"]}
        assert "MLflow tracking server" in response.json()["error"]
    compare = api.post("/api/models/compare", json={"run_ids": [RUN_ID]})
    assert compare.status_code == 503
    # Lists come from the cache; its next refresh (within seconds) notices the outage.
    for path in ("/api/models/runs", "/api/models/summary"):
        deadline = time.monotonic() + 20
        while (status := api.get(path).status_code) == 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert status == 503, path
