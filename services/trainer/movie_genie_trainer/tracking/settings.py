"""Tracking settings: ``configs/mlflow.yaml``, overridden by the standard MLflow variables.

Tracking is on when ``MLFLOW_TRACKING_URI`` is set or the file says ``enabled: true``.
An unknown key in the file is an error that names it (a typo must not silently switch things off).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

DEFAULT_CONFIG = Path("configs/mlflow.yaml")
CONFIG_ENV = "MOVIE_GENIE_MLFLOW_CONFIG"


class TrackingConfigError(ValueError):
    pass


class TrackingUnavailable(RuntimeError):
    """The tracking server never took what the run produced; the files on disk still hold it."""


@dataclass(frozen=True)
class RetrySettings:
    # One HTTP request may take this long before it counts as failed (MLflow's own default: 120 s).
    request_timeout_seconds: int = 10
    # MLflow's own retries per request; ours (below) come on top, without blocking training.
    request_max_retries: int = 1
    # Pause between our attempts grows from the first value to the cap.
    backoff_initial_seconds: float = 0.5
    backoff_max_seconds: float = 10.0
    # After training ends, how long to keep trying to send what is still pending.
    flush_timeout_seconds: float = 180.0


@dataclass(frozen=True)
class TrackingSettings:
    enabled: bool = False
    tracking_uri: str | None = None
    experiment_name: str = "movie-genie-models"
    dataset: str = "movielens-100k"
    # Where the processed data lives, to read its hash from dvc.lock (the run's data version).
    processed_data: str = "data/processed"
    registered_models: dict[str, str] = field(default_factory=lambda: {
        "two-tower": "movie-genie-two-tower", "bert4rec": "movie-genie-bert4rec"})
    retry: RetrySettings = field(default_factory=RetrySettings)


def _checked(cls, raw: Mapping[str, Any], where: str) -> dict[str, Any]:
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise TrackingConfigError(
            f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})")
    return dict(raw)


def load_settings(path: Path | None = None,
                  env: Mapping[str, str] | None = None) -> TrackingSettings:
    env = os.environ if env is None else env
    path = Path(path or env.get(CONFIG_ENV) or DEFAULT_CONFIG)
    raw: dict[str, Any] = {}
    if path.exists():
        raw = yaml.safe_load(path.read_text()) or {}
        if not isinstance(raw, dict):
            raise TrackingConfigError(f"{path}: expected a mapping at the top level")
    values = _checked(TrackingSettings, raw, str(path))
    retry = values.pop("retry", None) or {}
    if not isinstance(retry, dict):
        raise TrackingConfigError(f"{path}: 'retry' must be a mapping")
    values["retry"] = RetrySettings(**_checked(RetrySettings, retry, f"{path}: retry"))
    if env.get("MLFLOW_TRACKING_URI"):
        values["tracking_uri"], values["enabled"] = env["MLFLOW_TRACKING_URI"], True
    if env.get("MLFLOW_EXPERIMENT_NAME"):
        values["experiment_name"] = env["MLFLOW_EXPERIMENT_NAME"]
    settings = TrackingSettings(**values)
    if settings.enabled and not settings.tracking_uri:
        raise TrackingConfigError(
            f"{path}: 'enabled' is true but no 'tracking_uri' is given and MLFLOW_TRACKING_URI "
            "is not set")
    return settings
