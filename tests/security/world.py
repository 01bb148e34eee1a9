"""A small world on the secured tracking server, built the way production builds it: the admin
creates the experiment and registered model, the trainer logs runs (one FINISHED with a model
file and a registered version, one FAILED), and the raw REST calls the attacks use."""

from __future__ import annotations

import io
import time
import uuid
from dataclasses import dataclass

import requests

API = "/api/2.0/mlflow"


@dataclass
class World:
    url: str
    experiment_id: str
    model: str
    finished_run: str
    failed_run: str
    version: str
    artifact_path: str  # <experiment>/<run>/artifacts/model/data.pth, as the proxy addresses it


class Rest:
    """REST calls as one identity: ``auth`` is (username, password) or None (anonymous)."""

    def __init__(self, url: str, auth: tuple[str, str] | None) -> None:
        self.url, self.auth = url, auth

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{self.url}{path}", auth=self.auth, timeout=30, **kwargs)

    def ok(self, method: str, path: str, **kwargs) -> dict:
        response = self.call(method, path, **kwargs)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        return response.json() if response.content else {}


def build(url: str, admin: tuple[str, str], trainer: tuple[str, str]) -> World:
    as_admin, as_trainer = Rest(url, admin), Rest(url, trainer)
    suffix = uuid.uuid4().hex[:8]
    experiment_id = as_admin.ok(
        "POST", f"{API}/experiments/create", json={"name": f"secured-{suffix}"}
    )["experiment_id"]
    model = f"secured-model-{suffix}"
    as_admin.ok("POST", f"{API}/registered-models/create", json={"name": model})

    def run(status: str) -> dict:
        info = as_trainer.ok(
            "POST",
            f"{API}/runs/create",
            json={
                "experiment_id": experiment_id,
                "start_time": int(time.time() * 1000),
                "tags": [
                    {"key": "status", "value": "inactive" if status == "FINISHED" else "failed"},
                    {"key": "model_name", "value": "two-tower"},
                ],
            },
        )["run"]["info"]
        as_trainer.ok(
            "POST",
            f"{API}/runs/log-metric",
            json={
                "run_id": info["run_id"],
                "key": "ndcg_at_10",
                "value": 0.1,
                "step": 0,
                "timestamp": int(time.time() * 1000),
            },
        )
        as_trainer.ok(
            "POST",
            f"{API}/runs/update",
            json={"run_id": info["run_id"], "status": status, "end_time": int(time.time() * 1000)},
        )
        return info

    finished, failed = run("FINISHED"), run("FAILED")
    artifact_path = f"{experiment_id}/{finished['run_id']}/artifacts/model/data.pth"
    as_trainer.ok(
        "PUT",
        f"/api/2.0/mlflow-artifacts/artifacts/{artifact_path}",
        data=io.BytesIO(b"trained weights"),
    )
    version = as_trainer.ok(
        "POST",
        f"{API}/model-versions/create",
        json={
            "name": model,
            "source": f"{finished['artifact_uri']}/model",
            "run_id": finished["run_id"],
        },
    )["model_version"]["version"]
    return World(
        url, experiment_id, model, finished["run_id"], failed["run_id"], version, artifact_path
    )


def snapshot(world: World, admin: tuple[str, str]) -> dict:
    """Everything an attack could change, read as the admin."""
    rest = Rest(world.url, admin)
    experiment = rest.ok(
        "GET", f"{API}/experiments/get", params={"experiment_id": world.experiment_id}
    )["experiment"]
    runs = {}
    for run_id in (world.finished_run, world.failed_run):
        data = rest.ok("GET", f"{API}/runs/get", params={"run_id": run_id})["run"]
        runs[run_id] = (
            data["info"]["status"],
            data["info"]["lifecycle_stage"],
            sorted(
                (t["key"], t["value"])
                for t in data["data"].get("tags", [])
                if not t["key"].startswith("mlflow.")
            ),
            sorted((m["key"], m["value"]) for m in data["data"].get("metrics", [])),
        )
    model = rest.ok("GET", f"{API}/registered-models/get", params={"name": world.model})
    versions = rest.ok(
        "GET", f"{API}/model-versions/search", params={"filter": f"name='{world.model}'"}
    ).get("model_versions", [])
    weights = rest.call("GET", f"/api/2.0/mlflow-artifacts/artifacts/{world.artifact_path}")
    return {
        "experiment": (experiment["name"], experiment["lifecycle_stage"]),
        "runs": runs,
        "aliases": sorted(
            (a["alias"], a["version"]) for a in model["registered_model"].get("aliases", [])
        ),
        "versions": sorted(
            (v["version"], v.get("current_stage"), v.get("status")) for v in versions
        ),
        "experiments_named": len(
            rest.ok("POST", f"{API}/experiments/search", json={"max_results": 1000}).get(
                "experiments", []
            )
        ),
        "weights": (weights.status_code, weights.content),
    }
