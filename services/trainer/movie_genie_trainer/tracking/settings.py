"""Tracking settings (pydantic-settings): ``configs/mlflow.yaml`` under the environment.

Precedence: ``MLFLOW_TRACKING_URI`` / ``MLFLOW_EXPERIMENT_NAME``, then
``MOVIE_GENIE_TRACKING_<KEY>`` (nested keys with ``__``, e.g.
``MOVIE_GENIE_TRACKING_RETRY__FLUSH_TIMEOUT_SECONDS=5``), then the file, then the defaults.
Tracking is on when ``MLFLOW_TRACKING_URI`` is set or the file says ``enabled: true``.
An unknown key is an error that names it (a typo must not silently switch things off).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_CONFIG = Path("configs/mlflow.yaml")
CONFIG_ENV = "MOVIE_GENIE_MLFLOW_CONFIG"


class TrackingConfigError(ValueError):
    pass


class TrackingUnavailable(RuntimeError):
    """The tracking server never took what the run produced; the files on disk still hold it."""


class RetrySettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # One HTTP request may take this long before it counts as failed (MLflow's own default: 120 s).
    request_timeout_seconds: int = Field(10, ge=1)
    # MLflow's own retries per request. 0: they would resend a create blindly after a lost
    # answer (a second run, model or version); ours (below) check the server first.
    request_max_retries: int = Field(0, ge=0)
    # Pause between our attempts grows from the first value to the cap.
    backoff_initial_seconds: float = Field(0.5, gt=0)
    backoff_max_seconds: float = Field(10.0, gt=0)
    # After training ends, how long to keep trying to send what is still pending.
    flush_timeout_seconds: float = Field(180.0, ge=0)
    # After Ctrl-C / SIGTERM: how long to try to close the run KILLED before keeping an outbox.
    interrupt_flush_seconds: float = Field(3.0, ge=0)


class TrackingSettings(BaseSettings):
    model_config = SettingsConfigDict(
        extra="forbid",
        frozen=True,
        env_prefix="MOVIE_GENIE_TRACKING_",
        env_nested_delimiter="__",
        populate_by_name=True,
    )

    enabled: bool = False
    tracking_uri: str | None = Field(
        None, validation_alias=AliasChoices("MLFLOW_TRACKING_URI", "tracking_uri")
    )
    experiment_name: str = Field(
        "movie-genie-models",
        validation_alias=AliasChoices("MLFLOW_EXPERIMENT_NAME", "experiment_name"),
    )
    dataset: str = "movielens-100k"
    # Where the processed data lives, to read its hash from dvc.lock (the run's data version).
    processed_data: str = "data/processed"
    registered_models: dict[str, str] = Field(
        default_factory=lambda: {
            "two-tower": "movie-genie-two-tower",
            "bert4rec": "movie-genie-bert4rec",
        }
    )
    retry: RetrySettings = Field(default_factory=RetrySettings)

    @classmethod
    def settings_customise_sources(
        cls, settings_cls, init_settings, env_settings, dotenv_settings, file_secret_settings
    ):
        # The file's values come in as init arguments: the environment overrides them.
        return env_settings, init_settings


def _read_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    raw = yaml.safe_load(path.read_text()) or {}
    if not isinstance(raw, dict):
        raise TrackingConfigError(f"{path}: expected a mapping at the top level")
    return raw


def _explain(error: ValidationError, where: Path) -> TrackingConfigError:
    first = error.errors()[0]
    key = ".".join(str(part) for part in first["loc"])
    if first["type"] == "extra_forbidden":
        known = ", ".join(sorted(TrackingSettings.model_fields))
        return TrackingConfigError(f"{where}: unknown key {key!r} (known: {known})")
    return TrackingConfigError(f"{where}: {key!r}: {first['msg']}")


def load_settings(path: Path | None = None) -> TrackingSettings:
    path = Path(path or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)
    try:
        settings = TrackingSettings(**_read_file(path))
    except ValidationError as error:
        raise _explain(error, path) from None
    if os.environ.get("MLFLOW_TRACKING_URI"):
        settings = settings.model_copy(update={"enabled": True})
    if settings.enabled and not settings.tracking_uri:
        raise TrackingConfigError(
            f"{path}: 'enabled' is true but no 'tracking_uri' is given and MLFLOW_TRACKING_URI "
            "is not set"
        )
    return settings
