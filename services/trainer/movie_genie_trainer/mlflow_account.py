"""An MLflow account a service holds, refused at start when its password is unusable: empty, a
``change-me…`` placeholder or shorter than 12 characters stops it with a message naming the
variable. Here, in the trainer's package, because the recommender's image carries this package
(the metrics API and the tracking server apply the same rule in their own images, whose build
contexts hold only their own folder).
"""

from __future__ import annotations

import os

MIN_LENGTH = 12
PLACEHOLDER_PREFIXES = ("change-me", "changeme", "change_me")


def weak_secret_reason(value: str) -> str | None:
    if not value:
        return "is empty"
    if value.strip().lower().startswith(PLACEHOLDER_PREFIXES):
        return "is still the placeholder from .env.example; set a real secret (make env)"
    if len(value) < MIN_LENGTH:
        return f"is too short ({len(value)} characters; at least {MIN_LENGTH})"
    return None


def check_account(environ: dict[str, str] | None = None) -> None:
    """Both MLFLOW_TRACKING_USERNAME and a strong MLFLOW_TRACKING_PASSWORD, or neither (auth off).
    Raises RuntimeError naming the variable."""
    env = os.environ if environ is None else environ
    username = env.get("MLFLOW_TRACKING_USERNAME", "")
    password = env.get("MLFLOW_TRACKING_PASSWORD", "")
    if password and not username:
        raise RuntimeError(
            "MLFLOW_TRACKING_USERNAME is empty while MLFLOW_TRACKING_PASSWORD is set"
        )
    if username and (reason := weak_secret_reason(password)):
        raise RuntimeError(f"MLFLOW_TRACKING_PASSWORD {reason}; refusing to start")
