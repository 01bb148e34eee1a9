"""Train BERT4Rec.

    python -m movie_genie_trainer.train_bert4rec --config configs/bert4rec.yaml \
        --data data/processed --out models/bert4rec
"""

from __future__ import annotations

import sys

import numpy as np
import torch

from movie_genie_trainer.batching import shuffled_chunks, tiling_windows
from movie_genie_trainer.cli import train_main
from movie_genie_trainer.config import Bert4RecConfig
from movie_genie_trainer.data.dataset import SequenceData
from movie_genie_trainer.models.bert4rec import BERT4Rec, cloze_batch
from movie_genie_trainer.training import MakeBatches, gradient_trainer

MODEL_NAME = "bert4rec"


def prepare(config: Bert4RecConfig, data: SequenceData) -> tuple[BERT4Rec, MakeBatches]:
    model = BERT4Rec(config.model, data.num_items)
    cfg = config.model

    def make_batches(rng: np.random.Generator) -> list[dict[str, torch.Tensor]]:
        # Windows tiling each user's whole training history, from a fresh offset each epoch.
        _, windows = tiling_windows(data.train, cfg.max_length, cfg.window_stride, rng)
        windows = torch.from_numpy(windows)
        return [
            cloze_batch(
                windows[rows],
                model.mask_token,
                cfg.mask_ratio,
                cfg.last_item_mask_ratio,
                rng,
                cfg.last_item_rule,
            )
            for rows in shuffled_chunks(len(windows), config.training.batch_size, rng)
        ]

    return model, make_batches


train = gradient_trainer(MODEL_NAME, prepare)


def main(argv: list[str] | None = None) -> int:
    return train_main(argv, model_name=MODEL_NAME, config_cls=Bert4RecConfig, train=train)


if __name__ == "__main__":
    sys.exit(main())
