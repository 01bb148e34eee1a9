"""docs/adding-a-model.md, followed step by step with a tiny model (`recent-popularity`: items
ranked by how often they close users' training histories) in a copy of the pipeline: `dvc repro`
of its new stage logs a run to the tracking server, and the metrics API lists it."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import yaml

from tests.trainer.dvc_workspace import TRAINER, dvc, dvc_env, make_workspace

pytestmark = pytest.mark.slow

DOC = Path(__file__).resolve().parents[2] / "docs" / "adding-a-model.md"

# Step 1: the model, with the shared interface.
MODEL = """
import torch
from torch import nn


class RecentPopularity(nn.Module):
    history_length = 1

    def __init__(self, item_counts: torch.Tensor):
        super().__init__()
        smoothed = item_counts.double() + 1.0
        smoothed[0] = 0.0
        self.register_buffer("log_probability", (smoothed / smoothed.sum()).log().float())

    def calculate_loss(self, batch):
        return -self.log_probability[batch["target"]].mean()

    def full_sort_predict(self, batch):
        return self.log_probability.expand(batch["history"].shape[0], -1)

    def forward(self, history):
        return self.full_sort_predict({"history": history})
"""
# Step 2: its schema (appended to config.py) and config file.
SCHEMA = """

class RecentPopularityModelConfig(Section):
    window: int = Field(5, ge=1)  # the last items of each training history that count


class RecentPopularityConfig(Section):
    model: RecentPopularityModelConfig = RecentPopularityModelConfig()
    evaluation: EvaluationConfig = EvaluationConfig()
"""
CONFIG = "model:\n  window: 3\nevaluation:\n  ks: [10, 50, 100]\n  batch_size: 64\n"
# Step 3: the training command, through the shared lifecycle.
COMMAND = """
import sys

import numpy as np
import torch

from movie_genie_trainer.cli import train_main
from movie_genie_trainer.config import RecentPopularityConfig
from movie_genie_trainer.models.recent_popularity import RecentPopularity
from movie_genie_trainer.training import fit_closed_form

MODEL_NAME = "recent-popularity"


def train(config, data, out, callbacks):
    def build():
        recent = np.concatenate([items[-config.model.window:] for items in data.train])
        counts = np.bincount(recent, minlength=data.num_items + 1)
        model = RecentPopularity(torch.from_numpy(counts))
        return model, model.calculate_loss({"target": torch.from_numpy(recent)}).item(), {}

    return fit_closed_form(data, model_name=MODEL_NAME, config=config, out=out,
                           callbacks=callbacks, build=build)


def main(argv=None):
    return train_main(argv, model_name=MODEL_NAME, config_cls=RecentPopularityConfig,
                      default_config="configs/recent_popularity.yaml",
                      default_out="models/recent_popularity", train=train)


if __name__ == "__main__":
    sys.exit(main())
"""
# Step 5: the pipeline stage, shaped like `baselines`.
STAGE = {
    "cmd": "python -m movie_genie_trainer.train_recent_popularity --config "
    "configs/recent_popularity.yaml --data data/processed --out models/recent_popularity",
    "deps": [
        "data/processed",
        f"{TRAINER}/cli.py",
        f"{TRAINER}/config.py",
        f"{TRAINER}/models",
        f"{TRAINER}/training.py",
        f"{TRAINER}/train_recent_popularity.py",
    ],
    "params": [{"configs/recent_popularity.yaml": None}],
    "outs": ["models/recent_popularity/model.pth", "models/recent_popularity/config.yaml"],
    "metrics": ["models/recent_popularity/metrics.json"],
    "plots": [{"models/recent_popularity/history.json": {"x": "epoch", "y": "val_ndcg_at_10"}}],
}


def follow_the_doc(root: Path) -> None:
    package = root / TRAINER
    (package / "models" / "recent_popularity.py").write_text(MODEL)
    config_py = package / "config.py"
    marker = '\nC = TypeVar("C"'
    text = config_py.read_text()
    assert marker in text
    config_py.write_text(text.replace(marker, SCHEMA + marker, 1))
    (root / "configs" / "recent_popularity.yaml").write_text(CONFIG)
    (package / "train_recent_popularity.py").write_text(COMMAND)
    contract = package / "tracking" / "contract.py"  # step 4: its type
    text = contract.read_text()
    assert "MODEL_TYPES = {" in text
    contract.write_text(
        text.replace("MODEL_TYPES = {", 'MODEL_TYPES = {"recent-popularity": "baseline", ', 1)
    )
    pipeline = yaml.safe_load((root / "dvc.yaml").read_text())
    pipeline["stages"]["recent_popularity"] = STAGE
    (root / "dvc.yaml").write_text(yaml.safe_dump(pipeline, sort_keys=False))


def test_the_doc_names_every_place_the_test_touches():
    doc = DOC.read_text()
    for place in (
        "models/<name>.py",
        "config.py",
        "configs/<name>.yaml",
        "train_<name>.py",
        "fit_closed_form",
        "train_main",
        "MODEL_TYPES",
        "tracking/contract.py",
        "dvc.yaml",
        "model_name=<name>",
    ):
        assert place in doc, place


def test_a_model_added_by_the_doc_is_tracked_and_served_by_the_api(tmp_path, mlflow_server):
    from tests.metrics_api.conftest import start_api

    root = make_workspace(tmp_path / "ws")
    follow_the_doc(root)
    experiment = f"test-new-model-{uuid.uuid4().hex[:8]}"
    env = dvc_env(mlflow_server.url, experiment, root)
    ran = dvc(root, env, "repro", "recent_popularity")
    assert "Running stage 'recent_popularity'" in ran.stdout
    assert "up to date" in dvc(root, env, "status", "recent_popularity").stdout

    api = start_api(mlflow_server.url, experiment, tmp_path / "gunicorn.log")
    try:
        runs = api.get("/api/models/runs", params={"model_name": "recent-popularity"}).json()
        assert runs["success"] and runs["count"] == 1
        run = runs["data"][0]
        assert (run["model_name"], run["model_type"], run["status"], run["model_status"]) == (
            "recent-popularity",
            "baseline",
            "FINISHED",
            "inactive",
        )
        assert run["params"]["model.window"] == "3"
        assert run["tags"]["dvc_stage"] == "recent_popularity"
        assert 0 < run["metrics"]["ndcg_at_10"] <= 1
        baselines = api.get("/api/models/runs", params={"model_type": "baseline"}).json()
        assert [r["run_id"] for r in baselines["data"]] == [run["run_id"]]
        history = api.get(f"/api/models/runs/{run['run_id']}/metrics/val_ndcg_at_10/history")
        assert [point["step"] for point in history.json()["data"]] == [1]
    finally:
        api.process.stop()
