"""The one rule every service applies to its secrets at start: a secret that is empty, still a
``change-me…`` placeholder from .env.example, or shorter than 12 characters is refused, and an
MLflow account is both a username and such a password, or neither (authentication off).

One file, standard library only: each image that refuses secrets copies it from the repository-root
build context next to its own code; the repository's venv installs it (scripts/bootstrap.sh).
"""

from __future__ import annotations

MIN_LENGTH = 12
PLACEHOLDER_PREFIXES = ("change-me", "changeme", "change_me")


def weak_secret_reason(value: str | None) -> str | None:
    """Why ``value`` must not be used as a secret (to follow the variable's name), or None."""
    if not value:
        return "is empty; set a strong secret (make env writes one)"
    if value.strip().lower().startswith(PLACEHOLDER_PREFIXES):
        return "is still the placeholder from .env.example; set a real secret (make env)"
    if len(value) < MIN_LENGTH:
        return f"is too short ({len(value)} characters; at least {MIN_LENGTH})"
    return None


def account_problem(username: str, password: str) -> str | None:
    """What is wrong with an MLflow account (MLFLOW_TRACKING_USERNAME/_PASSWORD), or None."""
    if password and not username:
        return "MLFLOW_TRACKING_USERNAME is empty while MLFLOW_TRACKING_PASSWORD is set"
    if username and (reason := weak_secret_reason(password)):
        return f"MLFLOW_TRACKING_PASSWORD {reason}"
    return None
