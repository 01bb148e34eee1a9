"""Fixtures: runs logged by the real tracking code, and the API under gunicorn on top of them.

The API runs as in the container: ``gunicorn -c gunicorn.conf.py "metrics_api:create_app()"``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from mlflow.tracking import MlflowClient

from tests.harness.mlflow_server import CLIENT_SECRETS
from tests.harness.process import ManagedProcess
from tests.harness.services import METRICS_API, start_service
from tests.metrics_api import seeding

REPO = Path(__file__).resolve().parents[2]
TOKEN = "test-promote-token"
ALLOWED_ORIGIN = "http://dashboard.test:8080"
SUFFIX = uuid.uuid4().hex[:8]
REGISTERED_PREFIX = f"test-mapi-{SUFFIX}-"

# (model_name, final ndcg_at_10, fail_at) in the order they are logged
MAIN_RUNS = [
    ("two-tower", 0.20, None),
    ("bert4rec", 0.25, None),
    ("two-tower", 0.30, None),
    ("two-tower", 0.0, 2),
    ("bert4rec", 0.15, None),
]


@dataclass
class Api:
    url: str
    process: ManagedProcess
    experiment: str

    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(f"{self.url}{path}", timeout=30, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return requests.post(f"{self.url}{path}", timeout=30, **kwargs)


@dataclass
class Seeded:
    experiment: str
    experiment_id: str
    runs: list = field(default_factory=list)  # mlflow Run objects, oldest first


def trainer_env(experiment: str, tmp: Path, tracking_url: str) -> dict[str, str]:
    config = tmp / "mlflow.yaml"
    config.write_text(
        "registered_models:\n"
        f"  two-tower: {REGISTERED_PREFIX}two-tower\n"
        f"  bert4rec: {REGISTERED_PREFIX}bert4rec\n"
        "retry:\n  request_timeout_seconds: 10\n  flush_timeout_seconds: 60\n"
    )
    return {
        "MOVIE_GENIE_MLFLOW_CONFIG": str(config),
        "MLFLOW_EXPERIMENT_NAME": experiment,
        "MLFLOW_TRACKING_URI": tracking_url,
    }


def seed(tracking_url: str, tmp: Path, experiment: str, plan) -> Seeded:
    with pytest.MonkeyPatch.context() as patch:
        for name in CLIENT_SECRETS + ("DVC_STAGE",):
            patch.delenv(name, raising=False)
        for key, value in trainer_env(experiment, tmp, tracking_url).items():
            patch.setenv(key, value)
        for i, (model_name, ndcg, fail_at) in enumerate(plan):
            seeding.log_run(model_name, tmp / f"run{i}", ndcg, fail_at=fail_at)
    client = MlflowClient(tracking_url)
    experiment_id = client.get_experiment_by_name(experiment).experiment_id
    runs = client.search_runs([experiment_id], order_by=["attributes.start_time ASC"])
    assert len(runs) == len(plan)
    return Seeded(experiment, experiment_id, list(runs))


@pytest.fixture(scope="session")
def seeded(mlflow_server, tmp_path_factory) -> Seeded:
    return seed(
        mlflow_server.url, tmp_path_factory.mktemp("seed"), f"metrics-api-{SUFFIX}", MAIN_RUNS
    )


def start_api(tracking_url: str, experiment: str, log_path: Path, **extra: str) -> Api:
    process, url = start_service(
        METRICS_API,
        log_path,
        {
            "MLFLOW_TRACKING_URI": tracking_url,
            "MLFLOW_EXPERIMENT_NAME": experiment,
            "METRICS_API_WORKERS": "1",
            "METRICS_API_THREADS": "4",
            "METRICS_API_PROMOTE_TOKEN": TOKEN,
            "METRICS_API_REGISTERED_MODEL_PREFIX": REGISTERED_PREFIX,
            "CORS_ORIGINS": ALLOWED_ORIGIN,
            **extra,
        },
    )
    return Api(url, process, experiment)


@pytest.fixture(scope="session")
def recommender(mlflow_server, tmp_path_factory):
    """The recommender service on the smoke MovieLens subset (previews, movie search)."""
    from movie_genie_trainer.config import DataConfig, load_config
    from movie_genie_trainer.data.preprocess import write_processed
    from movie_genie_trainer.data.sources import read_recbole_ml100k

    from tests.recommender.recommender_server import start_recommender

    work = tmp_path_factory.mktemp("recommender")
    config = load_config(REPO / "configs" / "smoke" / "data.yaml", DataConfig)
    write_processed(read_recbole_ml100k(), config, work / "data")
    process, url = start_recommender(work, mlflow_server.url, work / "data")
    yield url
    process.stop()


@pytest.fixture(scope="session")
def api(mlflow_server, postgres, seeded, recommender, tmp_path_factory):
    """Full cache loads from MLflow's Postgres, read-only, as at scale (the promotion tests'
    API loads over REST); previews scored by the recommender."""
    server = start_api(
        mlflow_server.url,
        seeded.experiment,
        tmp_path_factory.mktemp("api") / "gunicorn.log",
        METRICS_API_STORE_URI=postgres.uri,
        METRICS_API_RECOMMENDER_URL=recommender,
    )
    yield server
    server.process.stop()
