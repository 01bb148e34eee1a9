"""Train the two-tower model.

    python -m movie_genie_trainer.train_two_tower --config configs/two_tower.yaml \
        --data data/processed --out models/two_tower
"""

from __future__ import annotations

import sys

import torch

from movie_genie_trainer.batching import NextItemExamples
from movie_genie_trainer.cli import train_main
from movie_genie_trainer.config import TwoTowerConfig
from movie_genie_trainer.data.dataset import SequenceData
from movie_genie_trainer.models.two_tower import TwoTower
from movie_genie_trainer.training import MakeBatches, gradient_trainer

MODEL_NAME = "two-tower"


def build_model(config: TwoTowerConfig, data: SequenceData) -> TwoTower:
    counts = torch.from_numpy(data.train_item_counts())
    return TwoTower(config.model, data.num_users, data.num_items, data.item_genres, counts)


def prepare(config: TwoTowerConfig, data: SequenceData) -> tuple[TwoTower, MakeBatches]:
    model = build_model(config, data)
    # Every step of every user's training history, each epoch (training items only).
    examples = NextItemExamples(data.train, config.model.max_history)
    return model, lambda rng: examples.batches(config.training.batch_size, rng)


train = gradient_trainer(MODEL_NAME, prepare)


def main(argv: list[str] | None = None) -> int:
    return train_main(argv, model_name=MODEL_NAME, config_cls=TwoTowerConfig, train=train)


if __name__ == "__main__":
    sys.exit(main())
