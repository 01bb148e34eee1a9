"""Runs logged by the real tracking code: ``callbacks_for`` driven by a tiny real torch model.

Each run goes through the same hooks, in the same order, as the training CLIs call them.
"""

from __future__ import annotations

from pathlib import Path

from movie_genie_trainer.tracking import callbacks_for

from tests.trainer import tiny_training

CONFIG = {"model": {"embedding_dim": 8}, "training": {"epochs": 2, "learning_rate": 0.01}}


def final_metrics(ndcg_at_10: float) -> dict[str, float]:
    final = {
        f"{m}_at_{k}": round(ndcg_at_10 * (1 + k / 100), 4)
        for m in ("recall", "ndcg", "coverage")
        for k in (10, 50, 100)
    }
    final["ndcg_at_10"] = ndcg_at_10
    return final


def val_ndcg(ndcg_at_10: float) -> float:
    """The seeded runs' final validation NDCG@10 ranks them the other way round from test, so
    whatever the API picks by validation visibly differs from a pick by test."""
    return round(0.5 - ndcg_at_10, 4)


def log_run(
    model_name: str, out_dir: Path, ndcg_at_10: float, epochs: int = 2, fail_at: int | None = None
) -> None:
    """Train ``epochs`` tiny epochs through the tracking callbacks; ``fail_at`` crashes there."""
    callbacks = callbacks_for(model_name, CONFIG)
    assert callbacks, "tracking is off: MLFLOW_TRACKING_URI must be set"
    try:
        tiny_training.train(
            callbacks,
            out_dir,
            epochs,
            fail_at,
            model_name=model_name,
            config=CONFIG,
            final=final_metrics(ndcg_at_10),
            val_ndcg_at_10=val_ndcg(ndcg_at_10),
        )
    except RuntimeError:
        assert fail_at is not None  # the crash asked for: the run is logged as failed
