"""Compute the popularity baseline, scored by the same evaluation as the trained models.

    python -m movie_genie_trainer.train_popularity --config configs/baselines.yaml \
        --data data/processed --out models/popularity
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch

from movie_genie_trainer.callbacks import TrainingCallback
from movie_genie_trainer.cli import train_main
from movie_genie_trainer.config import PopularityConfig
from movie_genie_trainer.data.dataset import SequenceData
from movie_genie_trainer.models.popularity import Popularity
from movie_genie_trainer.training import RunResult, fit_closed_form

MODEL_NAME = "popularity"


def train(
    config: PopularityConfig, data: SequenceData, out: Path, callbacks: list[TrainingCallback]
) -> RunResult:
    def build():
        model = Popularity(torch.from_numpy(data.train_item_counts()), config.model.smoothing)
        train_targets = torch.from_numpy(np.concatenate(data.train))
        return model, model.calculate_loss({"target": train_targets}).item(), {}

    return fit_closed_form(
        data, model_name=MODEL_NAME, config=config, out=out, callbacks=callbacks, build=build
    )


def main(argv: list[str] | None = None) -> int:
    return train_main(
        argv,
        model_name=MODEL_NAME,
        config_cls=PopularityConfig,
        train=train,
        default_config="configs/baselines.yaml",
    )


if __name__ == "__main__":
    sys.exit(main())
