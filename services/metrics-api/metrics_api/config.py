"""Settings: defaults here, overridden by ``METRICS_API_*`` env vars, then by ``test_config``.

Besides the prefixed keys, the standard ``MLFLOW_TRACKING_URI``, ``MLFLOW_EXPERIMENT_NAME``,
``MLFLOW_UI_URL`` and ``CORS_ORIGINS`` are read, so the API shares its env with the other services.
"""

from __future__ import annotations

import os
import re

from .settings import load_secrets

DEFAULTS = {
    "TRACKING_URI": "http://127.0.0.1:5000",
    "EXPERIMENT_NAME": "movie-genie-models",
    "MLFLOW_UI_URL": "",  # empty: the tracking URI
    "CORS_ORIGINS": "http://localhost:8080,http://127.0.0.1:8080",
    "PROMOTE_TOKEN": "",  # empty: promotion is switched off (403)
    "REGISTERED_MODEL_PREFIX": "movie-genie-",
    # Run cache (see README "Freshness").
    "CACHE_REFRESH_SECONDS": 2.0,  # older than this: refreshed in the background, served meanwhile
    "CACHE_MAX_AGE_SECONDS": 30.0,  # older than this: the request waits for the refresh
    "CACHE_RESYNC_SECONDS": 600.0,  # full reload: catches deletions and late edits
    "CACHE_OVERLAP_SECONDS": 60.0,  # re-read runs this close to the newest start/end seen
    "CACHE_WARM_ON_START": True,  # load the default experiment in the background at start-up
    # A request waits at most this long on MLflow (a call, or a cache refresh in flight), then
    # answers 503 with Retry-After, or from the last snapshot marked stale.
    "MLFLOW_WAIT_SECONDS": 2.5,
    # Folder the workers of one host share (promotion lock, champion map); gunicorn.conf.py
    # creates one per server. Empty: a private temporary folder.
    "STATE_DIR": "",
    # MLflow's backend store (postgresql:// or sqlite:///), read-only, for full cache loads:
    # far faster than REST at 10,000+ runs (see store_reader.py). Empty: REST only.
    "STORE_URI": "",
    # The recommender service that scores previews (services/recommender). Empty: previews
    # answer 503. How long a preview may take (a cold model load downloads it first).
    "RECOMMENDER_URL": "",
    "RECOMMENDER_TIMEOUT_SECONDS": 30.0,
    # A RUNNING run without a trainer heartbeat for this long shows as `stale` (staleness.py).
    "STALE_AFTER_SECONDS": 300.0,
    # Fail fast when MLflow is down: the API answers 503 within seconds, not minutes.
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "5",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "0",
    "MLFLOW_HTTP_REQUEST_BACKOFF_JITTER": "0",
}

# Standard, unprefixed variables shared with MLflow clients and the other services.
STANDARD_ENV = {
    "MLFLOW_TRACKING_URI": "TRACKING_URI",
    "MLFLOW_EXPERIMENT_NAME": "EXPERIMENT_NAME",
    "MLFLOW_UI_URL": "MLFLOW_UI_URL",
    "CORS_ORIGINS": "CORS_ORIGINS",
}
MLFLOW_CLIENT_ENV = (
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES",
    "MLFLOW_HTTP_REQUEST_TIMEOUT",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR",
    "MLFLOW_HTTP_REQUEST_BACKOFF_JITTER",
)
FLOAT_KEYS = (
    "CACHE_REFRESH_SECONDS",
    "CACHE_MAX_AGE_SECONDS",
    "CACHE_RESYNC_SECONDS",
    "CACHE_OVERLAP_SECONDS",
    "MLFLOW_WAIT_SECONDS",
    "STALE_AFTER_SECONDS",
    "RECOMMENDER_TIMEOUT_SECONDS",
)


class ConfigError(ValueError):
    """A setting with an unusable value; the message names the variable."""


def load(app, test_config: dict | None) -> None:
    app.config.from_mapping(DEFAULTS)
    for env_name, key in STANDARD_ENV.items():
        if os.environ.get(env_name):
            app.config[key] = os.environ[env_name]
    for name in MLFLOW_CLIENT_ENV:  # MLflow's own variables win when set explicitly
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    app.config.from_prefixed_env("METRICS_API")
    if test_config:
        app.config.from_mapping(test_config)
    _check(app.config)
    for name in MLFLOW_CLIENT_ENV:  # read by MLflow's REST client at request time
        os.environ[name] = str(app.config[name])


def _check(config) -> None:
    for key in FLOAT_KEYS:
        try:
            config[key] = float(config[key])
        except (TypeError, ValueError):
            raise ConfigError(f"METRICS_API_{key} must be a number, got {config[key]!r}") from None
        if config[key] < 0:
            raise ConfigError(f"METRICS_API_{key} must be >= 0, got {config[key]}")
    for name in MLFLOW_CLIENT_ENV:
        value = str(config[name])
        if not value.isdigit():
            raise ConfigError(f"{name} must be a non-negative integer, got {value!r}")
    if not str(config["TRACKING_URI"]).strip():
        raise ConfigError("MLFLOW_TRACKING_URI is empty")
    if not re.fullmatch(r"[A-Za-z0-9_.\-]*", str(config["REGISTERED_MODEL_PREFIX"])):
        raise ConfigError(
            "METRICS_API_REGISTERED_MODEL_PREFIX may hold only letters, digits, "
            f"'_', '.' and '-', got {config['REGISTERED_MODEL_PREFIX']!r}"
        )
    config["STATE_DIR"] = str(config["STATE_DIR"] or "")
    config["STORE_URI"] = str(config["STORE_URI"] or "")
    if config["STORE_URI"] and not config["STORE_URI"].startswith(
        ("postgresql://", "postgresql+psycopg2://", "sqlite:///")
    ):
        raise ConfigError("METRICS_API_STORE_URI must be a postgresql:// or sqlite:/// URI")
    config["MLFLOW_UI_URL"] = config["MLFLOW_UI_URL"] or config["TRACKING_URI"]
    # Secrets (the token, the MLflow service account) through pydantic-settings: settings.py.
    try:
        secrets = load_secrets(config["PROMOTE_TOKEN"])
    except ValueError as error:
        raise ConfigError(str(error)) from None
    config["PROMOTE_TOKEN"] = secrets.promote_token
    config["TRACKING_USERNAME"] = secrets.tracking_username
    origins = config["CORS_ORIGINS"]
    if isinstance(origins, str):
        config["CORS_ORIGINS"] = [o.strip() for o in origins.split(",") if o.strip()]
