"""The recommender's settings, read from the environment by pydantic-settings; an unusable one
stops start-up with a message naming the variable (an empty variable counts as unset).

  RECOMMENDER_DATA_DIR      processed MovieLens folder the runs trained on (data/processed)
  MLFLOW_TRACKING_URI       where runs and their logged models are read (required)
  RECOMMENDER_CACHE_MODELS  models kept loaded, at least 1 (4)
  MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD   the account (both or neither; MLflow's
                            client reads them from the environment itself): a weak password is
                            refused by the rule every service shares (services/secret-rule)
"""

from __future__ import annotations

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from secret_rule import account_problem


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", env_ignore_empty=True, frozen=True)

    data_dir: str = Field("data/processed", validation_alias="RECOMMENDER_DATA_DIR")
    tracking_uri: str = Field("", validation_alias="MLFLOW_TRACKING_URI")
    cache_models: int = Field(4, ge=1, validation_alias="RECOMMENDER_CACHE_MODELS")
    tracking_username: str = Field("", validation_alias="MLFLOW_TRACKING_USERNAME")
    tracking_password: str = Field(
        "", validation_alias="MLFLOW_TRACKING_PASSWORD", exclude=True, repr=False
    )

    @field_validator("tracking_uri")
    @classmethod
    def _tracking_uri(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("MLFLOW_TRACKING_URI is not set: the recommender reads runs from it")
        return value

    @model_validator(mode="after")
    def _account(self) -> Settings:
        # RuntimeError naming the variable: pydantic passes it through, unlike a ValueError.
        if problem := account_problem(self.tracking_username, self.tracking_password):
            raise RuntimeError(f"{problem}; refusing to start")
        return self


def load_settings(**overrides) -> Settings:
    """From the environment, ``overrides`` (field names) winning. Raises RuntimeError naming
    the variable."""
    try:
        return Settings(
            **{Settings.model_fields[k].validation_alias: v for k, v in overrides.items()}
        )
    except ValidationError as error:
        first = error.errors()[0]
        if first["type"] == "value_error":  # ours: the message names the variable already
            raise RuntimeError(first["msg"].removeprefix("Value error, ")) from None
        raise RuntimeError(f"{first['loc'][0]}: {first['msg']}, got {first['input']!r}") from None
