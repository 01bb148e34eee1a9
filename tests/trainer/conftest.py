"""Fixtures for the trainer tests: a smoke-sized processed ML-100k and a recording callback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from movie_genie_trainer.config import DataConfig, load_config
from movie_genie_trainer.data.dataset import SequenceData, load_processed
from movie_genie_trainer.data.preprocess import write_processed
from movie_genie_trainer.data.sources import read_recbole_ml100k
from movie_genie_trainer.model_store import builder

from tests.trainer import tiny_training

REPO = Path(__file__).resolve().parents[2]
CONFIGS = REPO / "configs"


@pytest.fixture(scope="session")
def smoke_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("processed-smoke")
    write_processed(
        read_recbole_ml100k(), load_config(CONFIGS / "smoke" / "data.yaml", DataConfig), out
    )
    return out


@pytest.fixture
def smoke_data(smoke_dir) -> SequenceData:
    return load_processed(smoke_dir)


class RecordingCallback:
    """Stands in for the tracking module (a true boundary) and records what the loop reports."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def on_train_start(self, **kwargs: Any) -> None:
        self.calls.append(("start", kwargs))

    def on_epoch_end(self, epoch: int, metrics: dict[str, float]) -> None:
        self.calls.append(("epoch", (epoch, metrics)))

    def on_train_end(self, **kwargs: Any) -> None:
        self.calls.append(("end", kwargs))

    def on_train_failed(self, error: BaseException) -> None:
        self.calls.append(("failed", error))

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


@pytest.fixture
def recorder() -> RecordingCallback:
    return RecordingCallback()


@builder("tests.trainer.tiny_training.TinySequenceModel")
def _tiny_model(config, state):
    """How the model loader rebuilds the tests' tiny model (``model_store.BUILDERS``)."""
    return tiny_training.TinySequenceModel(*state["embedding.weight"].shape)


@pytest.fixture
def no_s3_credentials(monkeypatch):
    """This process and what it starts reach the artifacts only through the tracking server."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "MLFLOW_S3_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
