"""The API's settings, read by pydantic-settings and refused at start when unusable.

Each field is ``METRICS_API_<FIELD>`` in the environment. A few also answer to the standard,
unprefixed variable the other services share (``MLFLOW_TRACKING_URI``, ``MLFLOW_EXPERIMENT_NAME``,
``MLFLOW_UI_URL``, ``CORS_ORIGINS``, MLflow's ``MLFLOW_HTTP_REQUEST_*``); the prefixed one wins.
An empty variable counts as unset. ``create_app(test_config)`` overrides both (keys as in
``app.config``: the field name in upper case).

A bad value stops start-up with a message naming the variable. A secret that is empty where one
is needed, still a ``change-me…`` placeholder, or shorter than 12 characters is refused (the
rule every service shares: services/secret-rule/secret_rule.py):
  METRICS_API_PROMOTE_TOKEN   optional; unset or empty switches token promotion off
  MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD   the API's MLflow service account (both or
                              neither; MLflow's client reads them from the environment itself)
"""

from __future__ import annotations

import os
from typing import Annotated

from pydantic import AliasChoices, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from secret_rule import account_problem, weak_secret_reason

PREFIX = "METRICS_API_"
STORE_SCHEMES = ("postgresql://", "postgresql+psycopg2://", "sqlite:///")
# MLflow's REST client reads these from the environment at request time: set from the settings.
MLFLOW_CLIENT_ENV = (
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES",
    "MLFLOW_HTTP_REQUEST_TIMEOUT",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR",
    "MLFLOW_HTTP_REQUEST_BACKOFF_JITTER",
)


class ConfigError(ValueError):
    """A setting with an unusable value; the message names the variable."""


def shared(name: str, default, **constraints):
    """A field read from ``METRICS_API_<name>`` first, then from the unprefixed ``name``."""
    return Field(default, validation_alias=AliasChoices(f"{PREFIX}{name}", name), **constraints)


def own(name: str, default, **constraints):
    """A field only the API reads: ``METRICS_API_<name>``."""
    return Field(default, validation_alias=f"{PREFIX}{name}", **constraints)


Seconds = Annotated[float, Field(ge=0)]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", env_ignore_empty=True, frozen=True)

    tracking_uri: str = shared("MLFLOW_TRACKING_URI", "http://127.0.0.1:5000")
    experiment_name: str = shared("MLFLOW_EXPERIMENT_NAME", "movie-genie-models")
    mlflow_ui_url: str = shared("MLFLOW_UI_URL", "")  # empty: the tracking URI
    cors_origins: Annotated[list[str], NoDecode] = shared(
        "CORS_ORIGINS", "http://localhost:8080,http://127.0.0.1:8080"
    )
    promote_token: str = own("PROMOTE_TOKEN", "")  # empty: promotion by token is off (403)
    tracking_username: str = Field("", validation_alias="MLFLOW_TRACKING_USERNAME")
    tracking_password: str = Field("", validation_alias="MLFLOW_TRACKING_PASSWORD", exclude=True)
    registered_model_prefix: str = own(
        "REGISTERED_MODEL_PREFIX", "movie-genie-", pattern=r"^[A-Za-z0-9_.\-]*$"
    )
    # Run cache (see README "Freshness").
    cache_refresh_seconds: Seconds = own("CACHE_REFRESH_SECONDS", 2.0)  # older: background refresh
    cache_max_age_seconds: Seconds = own("CACHE_MAX_AGE_SECONDS", 30.0)  # older: request waits
    cache_resync_seconds: Seconds = own("CACHE_RESYNC_SECONDS", 600.0)  # full reload
    cache_overlap_seconds: Seconds = own("CACHE_OVERLAP_SECONDS", 60.0)  # re-read runs this close
    cache_warm_on_start: bool = own("CACHE_WARM_ON_START", True)  # load the default experiment
    # A request waits at most this long on MLflow (a call, or a cache refresh in flight), then
    # answers 503 with Retry-After, or from the last snapshot marked stale.
    mlflow_wait_seconds: Seconds = own("MLFLOW_WAIT_SECONDS", 2.5)
    # Folder the workers of one host share (promotion lock, champion map); gunicorn.conf.py
    # creates one per server. Empty: a private temporary folder.
    state_dir: str = own("STATE_DIR", "")
    # MLflow's backend store, read-only, for full cache loads: far faster than REST at 10,000+
    # runs (see store_reader.py). Empty: REST only.
    store_uri: str = own("STORE_URI", "")
    # The recommender service that scores previews. Empty: previews answer 503.
    recommender_url: str = own("RECOMMENDER_URL", "")
    recommender_timeout_seconds: Seconds = own("RECOMMENDER_TIMEOUT_SECONDS", 30.0)
    # A RUNNING run without a trainer heartbeat for this long shows as `stale` (staleness.py).
    stale_after_seconds: Seconds = own("STALE_AFTER_SECONDS", 300.0)
    # Fail fast when MLflow is down: the API answers 503 within seconds, not minutes.
    mlflow_http_request_max_retries: int = shared("MLFLOW_HTTP_REQUEST_MAX_RETRIES", 1, ge=0)
    mlflow_http_request_timeout: int = shared("MLFLOW_HTTP_REQUEST_TIMEOUT", 5, ge=0)
    mlflow_http_request_backoff_factor: int = shared("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", 0, ge=0)
    mlflow_http_request_backoff_jitter: int = shared("MLFLOW_HTTP_REQUEST_BACKOFF_JITTER", 0, ge=0)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value):
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("tracking_uri")
    @classmethod
    def _tracking_uri(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("MLFLOW_TRACKING_URI is empty")
        return value

    @field_validator("store_uri")
    @classmethod
    def _store_uri(cls, value: str) -> str:
        if value and not value.startswith(STORE_SCHEMES):
            raise ValueError("METRICS_API_STORE_URI must be a postgresql:// or sqlite:/// URI")
        return value

    @field_validator("promote_token")
    @classmethod
    def _token(cls, value: str) -> str:
        reason = weak_secret_reason(value) if value else None  # empty: promotion by token is off
        if reason:
            raise ValueError(f"METRICS_API_PROMOTE_TOKEN {reason}")
        return value

    @model_validator(mode="after")
    def _account(self) -> Settings:
        if problem := account_problem(self.tracking_username, self.tracking_password):
            raise ValueError(problem)
        return self


def variable(field: str) -> str:
    """The environment variable a field is read from (the prefixed one where there are two)."""
    alias = Settings.model_fields[field].validation_alias
    return alias.choices[0] if isinstance(alias, AliasChoices) else alias


def _named(alias: str) -> str:
    """An error's variable: a shared field names both of its variables."""
    standard = alias.removeprefix(PREFIX)
    for info in Settings.model_fields.values():
        if (
            isinstance(info.validation_alias, AliasChoices)
            and alias in info.validation_alias.choices
        ):
            return f"{standard} or {alias}"
    return alias


def _message(error: dict) -> str:
    if error["type"] == "value_error":  # ours: the message already names the variable
        return error["msg"].removeprefix("Value error, ")
    name = _named(str(error["loc"][0]))
    if error["type"] == "string_pattern_mismatch":
        return f"{name} may hold only letters, digits, '_', '.' and '-', got {error['input']!r}"
    return f"{name}: {error['msg'][0].lower()}{error['msg'][1:]}, got {error['input']!r}"


def load_settings(overrides: dict | None = None) -> Settings:
    """From the environment; ``overrides`` (``app.config`` keys) win. Raises ConfigError naming
    the variable."""
    known = {
        variable(k.lower()): v
        for k, v in (overrides or {}).items()
        if k.lower() in Settings.model_fields
    }
    try:
        return Settings(**known)
    except ValidationError as error:
        raise ConfigError(_message(error.errors()[0])) from None


def load(app, test_config: dict | None) -> None:
    """Fill ``app.config`` (upper-case keys) and hand MLflow's client its knobs."""
    settings = load_settings(test_config)
    values = settings.model_dump()
    values["mlflow_ui_url"] = settings.mlflow_ui_url or settings.tracking_uri
    app.config.from_mapping({k.upper(): v for k, v in values.items()})
    if test_config:  # keys that are not settings (Flask's own, e.g. TESTING)
        app.config.from_mapping(
            {k: v for k, v in test_config.items() if k.lower() not in Settings.model_fields}
        )
    for name in MLFLOW_CLIENT_ENV:
        os.environ[name] = str(app.config[name])
