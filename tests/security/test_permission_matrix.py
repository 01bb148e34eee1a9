"""Who may do what on the secured tracking server: anonymous callers nothing (401), each service
account exactly its role (403 beyond it), a person with the viewer role only reads.

The trainer may move an alias: in MLflow's permission model registering a version and moving an
alias both need EDIT on the registered model (README, "Running a shared server").
"""

from __future__ import annotations

import io

import pytest

from tests.security.world import API, Rest, World


def operations(w: World) -> dict[str, tuple]:
    return {
        "search runs": (
            "POST",
            f"{API}/runs/search",
            {"json": {"experiment_ids": [w.experiment_id]}},
        ),
        "read run": ("GET", f"{API}/runs/get", {"params": {"run_id": w.finished_run}}),
        "create run": ("POST", f"{API}/runs/create", {"json": {"experiment_id": w.experiment_id}}),
        "log metric": (
            "POST",
            f"{API}/runs/log-metric",
            {
                "json": {
                    "run_id": w.finished_run,
                    "key": "probe",
                    "value": 1,
                    "timestamp": 1,
                    "step": 0,
                }
            },
        ),
        "upload artifact": (
            "PUT",
            "/api/2.0/mlflow-artifacts/artifacts/"
            f"{w.experiment_id}/{w.finished_run}/artifacts/probe.txt",
            {"data": io.BytesIO(b"probe")},
        ),
        "register version": (
            "POST",
            f"{API}/model-versions/create",
            {
                "json": {
                    "name": w.model,
                    "source": f"mlflow-artifacts:/{w.artifact_path.rsplit('/', 1)[0]}",
                    "run_id": w.finished_run,
                }
            },
        ),
        "set champion alias": (
            "POST",
            f"{API}/registered-models/alias",
            {"json": {"name": w.model, "alias": "champion", "version": w.version}},
        ),
        "delete run": ("POST", f"{API}/runs/delete", {"json": {"run_id": w.failed_run}}),
        "delete experiment": (
            "POST",
            f"{API}/experiments/delete",
            {"json": {"experiment_id": w.experiment_id}},
        ),
        "delete model version": (
            "DELETE",
            f"{API}/model-versions/delete",
            {"json": {"name": w.model, "version": w.version}},
        ),
        "delete registered model": (
            "DELETE",
            f"{API}/registered-models/delete",
            {"json": {"name": w.model}},
        ),
        "create user": (
            "POST",
            f"{API}/users/create",
            {"json": {"username": "intruder", "password": "intruder-password-123"}},
        ),
    }


ALLOWED = {
    "anonymous": set(),
    "viewer": {"search runs", "read run"},
    "metrics-api": {"search runs", "read run", "set champion alias", "register version"},
    "trainer": {
        "search runs",
        "read run",
        "create run",
        "log metric",
        "upload artifact",
        "register version",
        "set champion alias",
    },
}
DENIED_STATUS = {"anonymous": 401, "viewer": 403, "metrics-api": 403, "trainer": 403}


@pytest.mark.parametrize("identity", list(ALLOWED))
def test_each_identity_can_do_exactly_its_role(identity, secured_mlflow_server, world, viewer):
    accounts = secured_mlflow_server.accounts
    auth = {
        "anonymous": None,
        "viewer": viewer,
        "metrics-api": accounts.metrics_api,
        "trainer": accounts.trainer,
    }[identity]
    rest = Rest(world.url, auth)
    outcome = {}
    for name, (method, path, kwargs) in operations(world).items():
        outcome[name] = rest.call(method, path, **kwargs).status_code
    expected = {
        name: 200 if name in ALLOWED[identity] else DENIED_STATUS[identity] for name in outcome
    }
    assert outcome == expected


def test_wrong_password_is_anonymous(secured_mlflow_server, world):
    name, _ = secured_mlflow_server.accounts.trainer
    rest = Rest(world.url, (name, "not-the-password"))
    for method, path, kwargs in operations(world).values():
        assert rest.call(method, path, **kwargs).status_code == 401
