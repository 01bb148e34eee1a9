"""MLflow tracking for training runs (implements ``callbacks.TrainingCallback``).

Switched on when ``MLFLOW_TRACKING_URI`` is set or ``configs/mlflow.yaml`` says ``enabled: true``;
otherwise training runs untracked, with a one-line notice.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from movie_genie_trainer.callbacks import TrainingCallback

from .settings import TrackingSettings, load_settings

log = logging.getLogger("movie_genie_trainer.tracking")


def configure_mlflow_env(settings: TrackingSettings) -> None:
    """Point MLflow at the server and bound its own per-request retries (by default a down
    server blocks a request for minutes). Values already in the environment win."""
    # log_model and register_model resolve the server from the environment; setting it there
    # (rather than mlflow.set_tracking_uri) leaves the process's other MLflow state alone.
    os.environ.setdefault("MLFLOW_TRACKING_URI", settings.tracking_uri or "")
    retry = settings.retry
    # MLflow's usage telemetry would try the internet and waits for it at exit.
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", str(retry.request_timeout_seconds))
    # Forced, not defaulted: MLflow's own retries resend a POST blindly (a second run, logged
    # model or version after a lost answer); ours check the server first (run_writer.py).
    os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = str(retry.request_max_retries)
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "1")


def callbacks_for(
    model_name: str, config: dict[str, Any], output_dir: Path | None = None
) -> list[TrainingCallback]:
    """The callbacks a training entrypoint should pass to the training loop; ``output_dir``
    is where an outbox goes when a run ends early with steps unsent."""
    settings = load_settings()
    if not settings.enabled:
        print(
            "tracking: off (set MLFLOW_TRACKING_URI or enabled: true in configs/mlflow.yaml "
            "to log this run to MLflow)",
            flush=True,
        )
        return []
    configure_mlflow_env(settings)
    if not log.handlers:  # the CLIs configure no logging: still say where the run goes
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        if log.level == logging.NOTSET:
            log.setLevel(logging.INFO)
        log.propagate = False
    from .mlflow_callback import MlflowTrackingCallback

    return [MlflowTrackingCallback(model_name, config, settings, output_dir)]
