"""Every service refuses an empty, placeholder or too-short secret at start, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.harness.mlflow_server import ENTRYPOINT, entrypoint_env
from tests.harness.process import free_port

sys.path.insert(0, str(ENTRYPOINT.parent))
from secrets_check import WeakSecret, check_secret  # noqa: E402

GOOD = "a-strong-secret-value-42"


def assert_gunicorn_refuses(cwd, app: str, prefix: str, settings: dict, value, named) -> None:
    """A service's real start command (gunicorn on its app factory), with ``settings`` and none
    of this process's MLflow or ``prefix``ed settings, gives up, naming the variable, without
    printing the refused value."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", prefix))}
    env.update(settings, MLFLOW_TRACKING_URI="http://127.0.0.1:1")
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    result = subprocess.run(
        [gunicorn, "-c", "gunicorn.conf.py", app],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0 and named in output, output[-3000:]
    if value:
        assert value not in output.replace(named, "")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "is empty"),
        ("change-me-postgres", "placeholder"),
        ("CHANGEME-too", "placeholder"),
        ("short-pw", "too short (8 characters; at least 12)"),
    ],
)
def test_check_secret_names_the_variable_and_the_reason(value, reason):
    with pytest.raises(WeakSecret) as caught:
        check_secret("SOME_SECRET", value)
    assert "SOME_SECRET" in str(caught.value) and reason in str(caught.value)
    assert check_secret("SOME_SECRET", GOOD) == GOOD


def auth_env(**override: str) -> dict[str, str]:
    env = entrypoint_env(
        {
            "MLFLOW_PORT": str(free_port()),
            "MLFLOW_AUTH": "true",
            "MLFLOW_AUTH_ADMIN_PASSWORD": GOOD,
            "MLFLOW_FLASK_SERVER_SECRET_KEY": GOOD,
            "MLFLOW_TRAINER_PASSWORD": GOOD,
            "MLFLOW_METRICS_API_PASSWORD": GOOD,
            "AWS_SECRET_ACCESS_KEY": GOOD,
            # Nothing listens there: a start that got past the checks would fail differently.
            "MLFLOW_BACKEND_STORE_URI": f"postgresql+psycopg2://mlflow:{GOOD}@127.0.0.1:1/mlflow",
            "MLFLOW_DB_WAIT_SECONDS": "1",
        }
    )
    env.update(override)
    return env


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("MLFLOW_AUTH_ADMIN_PASSWORD", "", "MLFLOW_AUTH_ADMIN_PASSWORD is empty"),
        ("MLFLOW_FLASK_SERVER_SECRET_KEY", "change-me-flask-key", "MLFLOW_FLASK_SERVER_SECRET_KEY"),
        ("MLFLOW_TRAINER_PASSWORD", "short", "MLFLOW_TRAINER_PASSWORD is too short"),
        (
            "MLFLOW_METRICS_API_PASSWORD",
            "change-me-api",
            "MLFLOW_METRICS_API_PASSWORD is still the",
        ),
        ("AWS_SECRET_ACCESS_KEY", "change-me-minio-secret", "AWS_SECRET_ACCESS_KEY is still the"),
        (
            "MLFLOW_BACKEND_STORE_URI",
            "postgresql+psycopg2://mlflow:change-me-postgres@127.0.0.1:1/mlflow",
            "the password in MLFLOW_BACKEND_STORE_URI is still the",
        ),
    ],
)
def test_tracking_server_refuses_weak_secrets(variable, value, named):
    result = subprocess.run(
        [sys.executable, str(ENTRYPOINT)],
        env=auth_env(**{variable: value}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "refusing to start" in result.stderr and named in result.stderr
    assert "change-me-postgres" not in result.stderr  # the secret itself is never printed


def test_admin_password_is_required_with_auth():
    env = auth_env()
    del env["MLFLOW_AUTH_ADMIN_PASSWORD"]
    result = subprocess.run(
        [sys.executable, str(ENTRYPOINT)], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2 and "MLFLOW_AUTH_ADMIN_PASSWORD is empty" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("AWS_SECRET_ACCESS_KEY", "change-me-minio-secret", "AWS_SECRET_ACCESS_KEY is still the"),
        ("ARTIFACT_SECRET_KEY", "change-me-artifact-secret", "ARTIFACT_SECRET_KEY is still the"),
        ("ARTIFACT_SECRET_KEY", "", "ARTIFACT_SECRET_KEY is empty"),
        ("ARTIFACT_SECRET_KEY", "short", "ARTIFACT_SECRET_KEY is too short"),
    ],
)
def test_bucket_init_refuses_weak_keys(variable, value, named):
    env = {
        **os.environ,
        "MLFLOW_S3_ENDPOINT_URL": "http://127.0.0.1:1",
        "ARTIFACT_BUCKET": "b",
        "AWS_ACCESS_KEY_ID": "root",
        "AWS_SECRET_ACCESS_KEY": GOOD,
        "ARTIFACT_ACCESS_KEY": "artifacts",
        "ARTIFACT_SECRET_KEY": GOOD,
        variable: value,
    }
    result = subprocess.run(
        [sys.executable, str(ENTRYPOINT.parent / "create_bucket.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and named in result.stderr
    assert "refusing to start" in result.stderr


API_DIR = ENTRYPOINT.parents[1] / "metrics-api"


@pytest.mark.servers  # starts gunicorn (which must refuse)
@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        (
            "METRICS_API_PROMOTE_TOKEN",
            "change-me-promote-token",
            "METRICS_API_PROMOTE_TOKEN is still",
        ),
        ("METRICS_API_PROMOTE_TOKEN", "short", "METRICS_API_PROMOTE_TOKEN is too short"),
        ("MLFLOW_TRACKING_PASSWORD", "", "MLFLOW_TRACKING_PASSWORD is empty"),
        ("MLFLOW_TRACKING_PASSWORD", "change-me-api", "MLFLOW_TRACKING_PASSWORD is still"),
    ],
)
def test_metrics_api_refuses_weak_secrets_at_start(variable, value, named):
    """The real start command: gunicorn gives up when the app factory refuses its settings."""
    settings = {
        "METRICS_API_HOST": "127.0.0.1",
        "METRICS_API_PORT": str(free_port()),
        "METRICS_API_WORKERS": "1",
        "METRICS_API_CACHE_WARM_ON_START": "false",
        "MLFLOW_TRACKING_USERNAME": "metrics-api",
        "MLFLOW_TRACKING_PASSWORD": GOOD,
        variable: value,
    }
    app = "metrics_api:create_app()"
    assert_gunicorn_refuses(API_DIR, app, "METRICS_API_", settings, value, named)


def test_metrics_api_runs_without_a_token_and_without_an_account(monkeypatch):
    """Unset token: promotion by token is off, not an error; no account: anonymous (auth off)."""
    sys.path.insert(0, str(API_DIR))
    from metrics_api.settings import load_settings

    for name in (
        "METRICS_API_PROMOTE_TOKEN",
        "MLFLOW_TRACKING_USERNAME",
        "MLFLOW_TRACKING_PASSWORD",
    ):
        monkeypatch.delenv(name, raising=False)
    secrets = load_settings()
    assert (secrets.promote_token, secrets.tracking_username) == ("", "")
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", GOOD)
    with pytest.raises(ValueError, match="MLFLOW_TRACKING_USERNAME is empty"):
        load_settings()


RECOMMENDER_DIR = ENTRYPOINT.parents[1] / "recommender"


@pytest.mark.servers  # starts gunicorn (which must refuse)
@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("", "MLFLOW_TRACKING_PASSWORD is empty"),
        ("change-me-api", "MLFLOW_TRACKING_PASSWORD is still"),
        ("short", "MLFLOW_TRACKING_PASSWORD is too short"),
    ],
)
def test_recommender_refuses_weak_secrets_at_start(value, named, tmp_path):
    """It holds the metrics API's account: the real start command gives up, naming it."""
    settings = {
        "RECOMMENDER_HOST": "127.0.0.1",
        "RECOMMENDER_PORT": str(free_port()),
        "RECOMMENDER_DATA_DIR": str(tmp_path),
        "MLFLOW_TRACKING_USERNAME": "metrics-api",
        "MLFLOW_TRACKING_PASSWORD": value,
    }
    app = "recommender_service:create_app()"
    assert_gunicorn_refuses(RECOMMENDER_DIR, app, "RECOMMENDER_", settings, value, named)
