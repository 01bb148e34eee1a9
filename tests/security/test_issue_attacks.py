"""Issue 11's attacks, re-run against the secured server: each anonymous REST call (with the
`Host: localhost` any client can send) is refused, and afterwards nothing on the server changed.
The same writes with the metrics API's own account (a stolen API secret) are refused too, except
moving the alias, which is that account's one job."""

from __future__ import annotations

import io
import time

import pytest

from tests.security.world import API, Rest, World, snapshot


def attacks(w: World) -> dict[str, tuple]:
    now = int(time.time() * 1000)
    return {
        "delete the dashboard's experiment": (
            "POST",
            f"{API}/experiments/delete",
            {"json": {"experiment_id": w.experiment_id}},
        ),
        "delete the registered model": (
            "DELETE",
            f"{API}/registered-models/delete",
            {"json": {"name": w.model}},
        ),
        "mark the FAILED run active": (
            "POST",
            f"{API}/runs/set-tag",
            {"json": {"run_id": w.failed_run, "key": "status", "value": "active"}},
        ),
        "give the FAILED run ndcg_at_10=0.99": (
            "POST",
            f"{API}/runs/log-metric",
            {
                "json": {
                    "run_id": w.failed_run,
                    "key": "ndcg_at_10",
                    "value": 0.99,
                    "timestamp": now,
                    "step": 1,
                }
            },
        ),
        "move the champion alias": (
            "POST",
            f"{API}/registered-models/alias",
            {"json": {"name": w.model, "alias": "champion", "version": w.version}},
        ),
        "overwrite model/data.pth through the artifact proxy": (
            "PUT",
            f"/api/2.0/mlflow-artifacts/artifacts/{w.artifact_path}",
            {"data": io.BytesIO(b"import os; os.system('payload')")},
        ),
    }


@pytest.mark.parametrize("identity", ["anonymous", "metrics-api"])
def test_attacks_fail_and_change_nothing(identity, secured_mlflow_server, world):
    accounts = secured_mlflow_server.accounts
    before = snapshot(world, accounts.admin)
    auth = None if identity == "anonymous" else accounts.metrics_api
    rest = Rest(world.url, auth)
    expected = 401 if identity == "anonymous" else 403
    statuses = {}
    for name, (method, path, kwargs) in attacks(world).items():
        if identity == "metrics-api" and name == "move the champion alias":
            continue  # its role (test_permission_matrix)
        statuses[name] = rest.call(
            method, path, headers={"Host": "localhost"}, **kwargs
        ).status_code
    assert statuses == dict.fromkeys(statuses, expected)
    assert snapshot(world, accounts.admin) == before
    assert before["weights"] == (200, b"trained weights")
