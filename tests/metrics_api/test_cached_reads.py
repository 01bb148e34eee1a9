"""Run details, histories and compare of finished runs are answered from the API's caches (no
MLflow call: with MLflow's basic-auth on, each one costs about twice as much); a live run's
history is read from MLflow every time, and a finished run that changes is read again.

Which MLflow calls a request made is read from the real server's access log, up to a sentinel
request sent after it (one uvicorn worker logs in order)."""

from __future__ import annotations

import time
import uuid

import pytest
import requests
from mlflow.entities import Metric
from mlflow.tracking import MlflowClient

from tests.metrics_api.conftest import start_api

TAGS = {"model_name": "two-tower", "model_type": "retrieval", "status": "inactive"}


def wait_for(check, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class MlflowCalls:
    """The lines the tracking server logs from now on, up to a sentinel request."""

    def __init__(self, server) -> None:
        self.server, self.offset = server, server.server.log_path.stat().st_size

    def lines(self) -> list[str]:
        sentinel = f"sentinel-{uuid.uuid4().hex}"
        requests.get(
            f"{self.server.url}/api/2.0/mlflow/experiments/get-by-name",
            params={"experiment_name": sentinel},
            timeout=10,
        )

        def logged():
            with open(self.server.server.log_path, "rb") as log:
                log.seek(self.offset)
                text = log.read().decode(errors="replace")
            return text if sentinel in text else None

        return wait_for(logged, "the sentinel in the MLflow access log").splitlines()


@pytest.fixture(scope="module")
def world(mlflow_server, tmp_path_factory):
    client = MlflowClient(mlflow_server.url)
    experiment = f"cached-reads-{uuid.uuid4().hex[:8]}"
    experiment_id = client.create_experiment(experiment)
    now = int(time.time() * 1000)
    finished = []
    for _ in range(2):
        run_id = client.create_run(experiment_id, tags=TAGS).info.run_id
        client.log_batch(
            run_id,
            metrics=[Metric("val_loss", 1 / (step + 2), now + step, step) for step in range(3)],
        )
        client.set_terminated(run_id)
        finished.append(run_id)
    live = client.create_run(experiment_id, tags=TAGS).info.run_id
    client.log_metric(live, "val_loss", 0.9, step=0)
    api = start_api(
        mlflow_server.url,
        experiment,
        tmp_path_factory.mktemp("api-cached") / "gunicorn.log",
        METRICS_API_CACHE_REFRESH_SECONDS="0.5",
    )
    wait_for(
        lambda: api.get("/api/models/runs").json().get("total") == 3,
        "the API's snapshot of the three runs",
    )
    yield client, api, finished, live
    api.process.stop()


def compare(api, run_ids):
    response = api.post(
        "/api/models/compare", json={"run_ids": run_ids, "history_metrics": ["val_loss"]}
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_finished_runs_are_served_without_calling_mlflow_again(world, mlflow_server):
    _, api, finished, live = world
    first = compare(api, [*finished, live])
    assert [run["run_id"] for run in first] == [*finished, live]
    assert [p["step"] for p in first[0]["history"]["val_loss"]] == [0, 1, 2]
    detail = api.get(f"/api/models/runs/{finished[0]}").json()["data"]
    assert detail["metrics"]["val_loss"] == first[0]["history"]["val_loss"][-1]["value"]

    calls = MlflowCalls(mlflow_server)
    again = compare(api, [*finished, live])
    assert api.get(f"/api/models/runs/{finished[0]}").json()["data"] == detail
    history = api.get(f"/api/models/runs/{finished[1]}/metrics/val_loss/history").json()
    assert history["data"] == first[1]["history"]["val_loss"]
    lines = calls.lines()

    assert again[:2] == first[:2]
    for run_id in finished:
        assert not [line for line in lines if run_id in line], run_id
    assert [line for line in lines if "get-history" in line and live in line]


def test_a_live_runs_history_is_current(world):
    client, api, _, live = world
    before = compare(api, [live])[0]["history"]["val_loss"]
    client.log_metric(live, "val_loss", 0.8, step=len(before))
    after = compare(api, [live])[0]["history"]["val_loss"]
    assert [p["step"] for p in after] == [*(p["step"] for p in before), len(before)]


def test_a_finished_run_that_changes_is_read_again(world):
    client, api, finished, _ = world
    run_id = finished[1]
    old = compare(api, [run_id])[0]
    client.log_metric(run_id, "val_loss", 0.01, step=3)
    client.set_terminated(run_id)  # a new end time: the snapshot's refresh picks the run up
    wait_for(
        lambda: api.get(f"/api/models/runs/{run_id}").json()["data"]["end_time"] != old["end_time"],
        "the API to see the new end time",
    )
    new = compare(api, [run_id])[0]["history"]["val_loss"]
    assert [p["step"] for p in new] == [0, 1, 2, 3] and new[-1]["value"] == 0.01
