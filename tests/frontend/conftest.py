"""The whole read path, real at every hop: trainer CLIs → MLflow server (Postgres + S3) →
metrics-api under gunicorn → nginx serving the production build → headless Chromium."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.frontend.build import ensure_build
from tests.frontend.metrics_api_server import start_metrics_api
from tests.frontend.nginx_server import NginxFrontend
from tests.frontend.trained_runs import REPO, train_smoke_runs

PROMOTE_TOKEN = "browser-test-token"
ARTIFACTS = REPO / "test-artifacts" / "frontend"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


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
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context per test; any console error or failed page load fails the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []

    def on_console(message) -> None:
        # Chromium logs every 4xx answer ("Failed to load resource"); tests provoke some on purpose.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"browser console errors: {errors}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
