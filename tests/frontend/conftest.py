"""The whole read path, real at every hop: trainer CLIs → MLflow server (Postgres + S3, basic-auth
on, as shared) → metrics-api under gunicorn → nginx serving the production build → headless
Chromium, with the recommender behind the API for the previews. The trainer and the API use
their service accounts; people promote as themselves."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.frontend.build import ensure_build
from tests.frontend.metrics_api_server import start_metrics_api
from tests.frontend.nginx_server import NginxFrontend
from tests.frontend.trained_runs import REPO, train_smoke_runs
from tests.harness.mlflow_server import Accounts
from tests.recommender.recommender_server import start_recommender
from tests.security.conftest import add_person

ARTIFACTS = REPO / "test-artifacts" / "frontend"


@pytest.fixture(scope="session")
def frontend_dist() -> Path:
    return ensure_build()


@pytest.fixture(scope="session")
def frontend_training(secured_mlflow_server, tmp_path_factory) -> tuple[str, Path]:
    """An experiment of its own on the shared server, holding one run per model (two-tower and
    BERT4Rec log their models; popularity logs none), and the data folder they trained on."""
    name = f"frontend-browser-{uuid.uuid4().hex[:8]}"
    work = tmp_path_factory.mktemp("trained")
    train_smoke_runs(
        work,
        secured_mlflow_server.url,
        name,
        client_env=Accounts.client_env(secured_mlflow_server.accounts.trainer),
    )
    return name, work / "data"


@pytest.fixture(scope="session")
def frontend_experiment(frontend_training) -> str:
    return frontend_training[0]


@pytest.fixture(scope="session")
def recommender(secured_mlflow_server, frontend_training, tmp_path_factory) -> str:
    """The previews' scoring service, reading as the metrics API's account, as in compose."""
    process, url = start_recommender(
        tmp_path_factory.mktemp("recommender"),
        secured_mlflow_server.url,
        frontend_training[1],
        client_env=Accounts.client_env(secured_mlflow_server.accounts.metrics_api),
    )
    yield url
    process.stop()


@pytest.fixture(scope="session")
def metrics_api(secured_mlflow_server, frontend_experiment, recommender, tmp_path_factory) -> str:
    server = secured_mlflow_server
    process, url = start_metrics_api(
        tmp_path_factory.mktemp("metrics-api"),
        server.url,
        frontend_experiment,
        "",
        server.url,
        client_env=Accounts.client_env(server.accounts.metrics_api),
        METRICS_API_RECOMMENDER_URL=recommender,
    )
    yield url
    process.stop()


@pytest.fixture(scope="session")
def editor(secured_mlflow_server) -> tuple[str, str]:
    """A person with the editor role, added as `make add-user` adds one."""
    return add_person(secured_mlflow_server, "editor")


@pytest.fixture(scope="session")
def frontend(frontend_dist, metrics_api, tmp_path_factory) -> NginxFrontend:
    server = NginxFrontend(tmp_path_factory.mktemp("nginx"), frontend_dist, metrics_api).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
