"""Fit the EASE baseline; its L2 penalty is chosen on validation NDCG@10 from a small grid.

    python -m movie_genie_trainer.train_ease --config configs/ease.yaml \
        --data data/processed --out models/ease
"""

from __future__ import annotations

import sys
from pathlib import Path

from movie_genie_trainer.callbacks import TrainingCallback
from movie_genie_trainer.cli import train_main
from movie_genie_trainer.config import EaseConfig
from movie_genie_trainer.data.dataset import SequenceData
from movie_genie_trainer.evaluation import evaluate
from movie_genie_trainer.models.ease import (
    EASE,
    check_catalogue,
    gram_matrix,
    reconstruction_error,
)
from movie_genie_trainer.training import RunResult, fit_closed_form

MODEL_NAME = "ease"


def history_length(data: SequenceData) -> int:
    """Long enough for every user's whole test history (train + validation item)."""
    return max(len(seq) for seq in data.train) + 1


def select_l2(config: EaseConfig, data: SequenceData) -> tuple[EASE, float, dict[str, float]]:
    """Fit one model per grid value on the training items; keep the best on validation.
    Returns the model, its squared reconstruction error per training interaction, and the
    grid's validation scores (logged as final metrics beside the choice)."""
    check_catalogue(data.num_items, config.model.max_items)
    gram = gram_matrix(data.train, data.num_items)
    ks, batch_size = config.evaluation.ks, config.evaluation.batch_size
    best, scores = None, {}
    for l2 in config.model.l2_grid:
        model = EASE.fit(
            data.train, data.num_items, l2, config.model.max_items, history_length(data), gram=gram
        )
        ndcg = evaluate(model, data, "val", ks, batch_size).metrics["ndcg_at_10"]
        scores[l2] = ndcg
        if best is None or ndcg > scores[best[0]]:
            best = (l2, model)
    loss = reconstruction_error(gram, best[1].weights) / gram.trace().item()
    return (
        best[1],
        loss,
        {
            "selected_l2": best[0],
            **{f"val_ndcg_at_10_l2_{l2:g}": ndcg for l2, ndcg in scores.items()},
        },
    )


def train(
    config: EaseConfig, data: SequenceData, out: Path, callbacks: list[TrainingCallback]
) -> RunResult:
    def build():
        return select_l2(config, data)

    return fit_closed_form(
        data, model_name=MODEL_NAME, config=config, out=out, callbacks=callbacks, build=build
    )


def main(argv: list[str] | None = None) -> int:
    return train_main(argv, model_name=MODEL_NAME, config_cls=EaseConfig, train=train)


if __name__ == "__main__":
    sys.exit(main())
