"""The API's secrets, read by pydantic-settings and refused at start when unusable.

A secret that is empty where one is needed, still a ``change-me…`` placeholder, or shorter than
12 characters stops the API with a message naming the variable:
  METRICS_API_PROMOTE_TOKEN   optional; unset or empty switches token promotion off
  MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD   the API's MLflow service account (both or
                              neither; MLflow's client reads them from the environment itself)
"""

from __future__ import annotations

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

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


class Secrets(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    promote_token: str = Field("", alias="METRICS_API_PROMOTE_TOKEN")
    tracking_username: str = Field("", alias="MLFLOW_TRACKING_USERNAME")
    tracking_password: str = Field("", alias="MLFLOW_TRACKING_PASSWORD")

    @field_validator("promote_token")
    @classmethod
    def _token(cls, value: str) -> str:
        reason = weak_secret_reason(value) if value else None  # empty: promotion by token is off
        if reason:
            raise ValueError(f"METRICS_API_PROMOTE_TOKEN {reason}")
        return value

    @model_validator(mode="after")
    def _account(self) -> Secrets:
        if self.tracking_password and not self.tracking_username:
            raise ValueError(
                "MLFLOW_TRACKING_USERNAME is empty while MLFLOW_TRACKING_PASSWORD is set"
            )
        if self.tracking_username and (reason := weak_secret_reason(self.tracking_password)):
            raise ValueError(f"MLFLOW_TRACKING_PASSWORD {reason}")
        return self


def load_secrets(promote_token: object | None = None) -> Secrets:
    """From the environment; ``promote_token`` (a test's or the prefixed-env value) wins.
    Raises ValueError naming the variable."""
    overrides = {} if promote_token is None else {"promote_token": str(promote_token or "")}
    try:
        return Secrets(**overrides)
    except ValidationError as error:
        raise ValueError(error.errors()[0]["msg"].removeprefix("Value error, ")) from None
