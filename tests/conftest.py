"""Session-wide real servers: Postgres, an S3 endpoint and an MLflow tracking server on both.

Tests that log runs should use their own experiment name, since the server is shared.
"""

from __future__ import annotations

import os

import pytest

from tests.harness.browser import browser, page  # noqa: F401  (one Chromium per session)
from tests.harness.mlflow_server import CLIENT_SECRETS, Accounts, MlflowServer
from tests.harness.postgres import PostgresCluster
from tests.harness.s3 import S3Endpoint


@pytest.fixture(scope="session")
def postgres():
    cluster = PostgresCluster().init()
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="session")
def s3(tmp_path_factory):
    endpoint = S3Endpoint(tmp_path_factory.mktemp("s3")).start()
    yield endpoint
    endpoint.stop()


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory, postgres, s3):
    """The production shape: Postgres for runs, S3 for artifacts, proxied by the server."""
    server = MlflowServer(
        tmp_path_factory.mktemp("mlflow"),
        backend_uri=postgres.uri,
        artifacts_destination=f"s3://{s3.bucket}/artifacts",
        env=s3.server_env(),
    ).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def secured_mlflow_server(tmp_path_factory, postgres, s3):
    """The shared-server shape: as above, with MLflow's basic-auth on (own database on the same
    cluster, own artifact prefix), the admin and both service accounts provisioned."""
    server = MlflowServer(
        tmp_path_factory.mktemp("mlflow-auth"),
        backend_uri=postgres.create_database("mlflow_auth"),
        artifacts_destination=f"s3://{s3.bucket}/secured",
        env=s3.server_env(),
        accounts=Accounts.generate(),
    ).start(timeout=300)  # three password hashes and the auth tables' migrations come first
    yield server
    server.stop()


@pytest.fixture
def tracking_uri(mlflow_server, monkeypatch):
    """Point MLflow clients at the harness server, holding no S3 credentials of their own."""
    for name in CLIENT_SECRETS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_server.url)
    return mlflow_server.url


def pytest_configure(config):
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "2")


# `make test-fast` runs `-m fast`: the tests that need no server. A test is fast unless a fixture
# it uses (directly or through another) starts one, or it is marked slow, compose or servers
# (`servers`: it starts a program itself, e.g. gunicorn or a whole pipeline).
SERVER_FIXTURES = frozenset({"postgres", "s3", "mlflow_server", "secured_mlflow_server", "browser"})
NOT_FAST = ("slow", "compose", "servers")


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items):
    for item in items:
        uses_server = not SERVER_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))
        if not uses_server and not any(item.get_closest_marker(name) for name in NOT_FAST):
            item.add_marker(pytest.mark.fast)
