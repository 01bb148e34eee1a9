"""The recommender's settings (pydantic-settings): defaults, the environment, and start-up
refusals that name the variable. The real start command's refusals are in
tests/security/test_secret_refusal.py."""

from __future__ import annotations

import pytest
from recommender_service.settings import load_settings

VARIABLES = (
    "RECOMMENDER_DATA_DIR",
    "RECOMMENDER_CACHE_MODELS",
    "MLFLOW_TRACKING_URI",
    "MLFLOW_TRACKING_USERNAME",
    "MLFLOW_TRACKING_PASSWORD",
)


@pytest.fixture
def env(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://tracking:5000")
    return monkeypatch


def test_defaults_and_the_environment(env):
    settings = load_settings()
    assert (settings.data_dir, settings.cache_models) == ("data/processed", 4)
    env.setenv("RECOMMENDER_DATA_DIR", "/data")
    env.setenv("RECOMMENDER_CACHE_MODELS", "2")
    env.setenv("MLFLOW_TRACKING_USERNAME", "metrics-api")
    env.setenv("MLFLOW_TRACKING_PASSWORD", "a-strong-secret-value-42")
    settings = load_settings()
    assert (settings.data_dir, settings.cache_models) == ("/data", 2)
    assert settings.tracking_uri == "http://tracking:5000"
    assert "a-strong-secret" not in repr(settings)
    assert load_settings(cache_models=7, data_dir="/x").cache_models == 7  # overrides win


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("MLFLOW_TRACKING_URI", "", "MLFLOW_TRACKING_URI is not set"),
        ("RECOMMENDER_CACHE_MODELS", "many", "RECOMMENDER_CACHE_MODELS: Input should be a valid"),
        ("RECOMMENDER_CACHE_MODELS", "0", "RECOMMENDER_CACHE_MODELS: Input should be greater"),
        ("MLFLOW_TRACKING_PASSWORD", "change-me-api", "MLFLOW_TRACKING_PASSWORD is still the"),
    ],
)
def test_an_unusable_setting_is_refused_naming_the_variable(env, variable, value, named):
    env.setenv("MLFLOW_TRACKING_USERNAME", "metrics-api")
    env.setenv("MLFLOW_TRACKING_PASSWORD", "a-strong-secret-value-42")
    env.setenv(variable, value)
    with pytest.raises(RuntimeError, match=named):
        load_settings()


def test_a_password_without_a_username_is_refused(env):
    env.setenv("MLFLOW_TRACKING_PASSWORD", "a-strong-secret-value-42")
    with pytest.raises(RuntimeError, match="MLFLOW_TRACKING_USERNAME is empty"):
        load_settings()
