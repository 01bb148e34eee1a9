"""Promotion as a named person through the metrics API on the secured server: MLflow checks the
person's password and role, the registry records who promoted, and the token path is off unless
set. The API itself reads with its own least-privilege account."""

from __future__ import annotations

import base64

import pytest
from mlflow.tracking import MlflowClient

from tests.harness.mlflow_server import CLIENT_SECRETS, Accounts
from tests.metrics_api.conftest import REGISTERED_PREFIX, SUFFIX, seed, start_api
from tests.security.conftest import add_person

PLAN = [("two-tower", 0.2, None), ("two-tower", 0.3, None)]


def basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture(scope="module")
def secured_api(secured_mlflow_server, tmp_path_factory):
    accounts = secured_mlflow_server.accounts
    with pytest.MonkeyPatch.context() as patch:  # the trainer logs with its service account
        for key, value in Accounts.client_env(accounts.trainer).items():
            patch.setenv(key, value)
        seeded = seed(
            secured_mlflow_server.url,
            tmp_path_factory.mktemp("seed-auth"),
            f"secured-api-{SUFFIX}",
            PLAN,
        )
    api = start_api(
        secured_mlflow_server.url,
        seeded.experiment,
        tmp_path_factory.mktemp("api-auth") / "gunicorn.log",
        METRICS_API_PROMOTE_TOKEN="",
        **Accounts.client_env(accounts.metrics_api),
    )
    yield api, seeded
    api.process.stop()


@pytest.fixture
def admin_client(secured_mlflow_server, monkeypatch):
    for name in CLIENT_SECRETS:
        monkeypatch.delenv(name, raising=False)
    for key, value in Accounts.client_env(secured_mlflow_server.accounts.admin).items():
        monkeypatch.setenv(key, value)
    return MlflowClient(secured_mlflow_server.url)


def champion(client: MlflowClient) -> str | None:
    model = client.get_registered_model(f"{REGISTERED_PREFIX}two-tower")
    return model.aliases.get("champion")


def test_api_reads_with_its_own_account(secured_api):
    api, seeded = secured_api
    runs = api.get("/api/models/runs").json()
    assert runs["success"] is True
    assert {r["run_id"] for r in runs["data"]} == {r.info.run_id for r in seeded.runs}


def test_people_without_rights_or_password_cannot_promote(
    secured_api, secured_mlflow_server, admin_client
):
    api, seeded = secured_api
    run_id = seeded.runs[1].info.run_id
    viewer = add_person(secured_mlflow_server, "viewer")
    editor = add_person(secured_mlflow_server, "editor")
    # The other run is champion whatever ran before (tests run in random order).
    setup = api.post(
        f"/api/models/runs/{seeded.runs[0].info.run_id}/promote", headers=basic(*editor)
    )
    assert setup.status_code == 200, setup.text
    before = champion(admin_client)
    refused = {
        "viewer": api.post(f"/api/models/runs/{run_id}/promote", headers=basic(*viewer)),
        "wrong password": api.post(
            f"/api/models/runs/{run_id}/promote", headers=basic(editor[0], "not-the-password")
        ),
        "anonymous": api.post(f"/api/models/runs/{run_id}/promote"),
        "token (off)": api.post(
            f"/api/models/runs/{run_id}/promote",
            headers={"Authorization": "Bearer anything-at-all-123"},
        ),
    }
    assert {k: r.status_code for k, r in refused.items()} == {
        "viewer": 403,
        "wrong password": 401,
        "anonymous": 401,
        "token (off)": 403,
    }
    assert viewer[0] in refused["viewer"].json()["error"]
    assert "switched off" in refused["token (off)"].json()["error"]
    assert champion(admin_client) == before
    assert admin_client.get_run(run_id).data.tags["status"] == "inactive"


def test_an_editor_promotes_as_themselves(secured_api, secured_mlflow_server, admin_client):
    api, seeded = secured_api
    run_id = seeded.runs[1].info.run_id
    editor = add_person(secured_mlflow_server, "editor")
    response = api.post(f"/api/models/runs/{run_id}/promote", headers=basic(*editor))
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["promoted_by"] == editor[0] and data["run"]["model_status"] == "active"
    registered = f"{REGISTERED_PREFIX}two-tower"
    version = admin_client.get_model_version(registered, data["version"])
    assert version.run_id == run_id and champion(admin_client) == data["version"]
    assert version.tags["promoted_by"] == editor[0] and version.tags["promoted_at"]
    assert admin_client.get_run(run_id).data.tags["status"] == "active"


def test_an_editor_rolls_back_as_themselves_and_a_viewer_cannot(
    secured_api, secured_mlflow_server, admin_client
):
    api, seeded = secured_api
    first, second = (run.info.run_id for run in seeded.runs)
    editor = add_person(secured_mlflow_server, "editor")
    viewer = add_person(secured_mlflow_server, "viewer")
    registered = f"{REGISTERED_PREFIX}two-tower"
    for run_id in (second, first, second):
        response = api.post(f"/api/models/runs/{run_id}/promote", headers=basic(*editor))
        assert response.status_code == 200, response.text
    url = "/api/models/champions/two-tower/rollback"
    refused = api.post(url, headers=basic(*viewer))
    assert refused.status_code == 403 and viewer[0] in refused.json()["error"]
    assert admin_client.get_model_version_by_alias(registered, "champion").run_id == second

    response = api.post(url, headers=basic(*editor))
    assert response.status_code == 200, response.text
    assert admin_client.get_model_version_by_alias(registered, "champion").run_id == first
    newest = api.get("/api/models/champions/two-tower/history").json()["data"]["changes"][0]
    assert (newest["action"], newest["promoted_by"], newest["run_id"]) == (
        "rollback",
        editor[0],
        first,
    )
