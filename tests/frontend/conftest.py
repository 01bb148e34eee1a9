"""The whole read path, real at every hop: trainer CLIs → MLflow server (Postgres + S3) →
metrics-api under gunicorn → nginx serving the production build → headless Chromium."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.frontend.build import ensure_build
from tests.frontend.metrics_api_server import start_metrics_api
from tests.frontend.nginx_server import NginxFrontend
from tests.frontend.trained_runs import REPO, train_smoke_runs

PROMOTE_TOKEN = "browser-test-token"
ARTIFACTS = REPO / "test-artifacts" / "frontend"


@pytest.fixture(scope="session")
def frontend_dist() -> Path:
    return ensure_build()


@pytest.fixture(scope="session")
def frontend_experiment(mlflow_server, tmp_path_factory) -> str:
    """An experiment of its own on the shared server, holding one run per model."""
    name = f"frontend-browser-{uuid.uuid4().hex[:8]}"
    train_smoke_runs(tmp_path_factory.mktemp("trained"), mlflow_server.url, name)
    return name


@pytest.fixture(scope="session")
def metrics_api(mlflow_server, frontend_experiment, tmp_path_factory) -> str:
    process, url = start_metrics_api(tmp_path_factory.mktemp("metrics-api"), mlflow_server.url,
                                     frontend_experiment, PROMOTE_TOKEN, mlflow_server.url)
    yield url
    process.stop()


@pytest.fixture(scope="session")
def frontend(frontend_dist, metrics_api, tmp_path_factory) -> NginxFrontend:
    server = NginxFrontend(tmp_path_factory.mktemp("nginx"), frontend_dist, metrics_api).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
