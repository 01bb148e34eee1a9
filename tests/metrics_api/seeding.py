"""Runs logged by the real tracking code: ``callbacks_for`` driven by a tiny real torch model.

Each run goes through the same hooks, in the same order, as the training CLIs call them.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from movie_genie_trainer.tracking import callbacks_for
from torch import nn

from tests.trainer.tiny_training import TinySequenceModel

CONFIG = {"model": {"embedding_dim": 8}, "training": {"epochs": 2, "learning_rate": 0.01}}
STATS = {"dataset": "tiny", "num_users": 5, "num_movies": 20, "num_interactions": 60}
EPOCH_METRICS = ("train_loss", "val_loss", "learning_rate", "recall_at_10", "ndcg_at_10")


def final_metrics(ndcg_at_10: float) -> dict[str, float]:
    final = {f"{m}_at_{k}": round(ndcg_at_10 * (1 + k / 100), 4)
             for m in ("recall", "ndcg", "coverage") for k in (10, 50, 100)}
    final["ndcg_at_10"] = ndcg_at_10
    return final


def log_run(model_name: str, out_dir: Path, ndcg_at_10: float, epochs: int = 2,
            fail_at: int | None = None) -> None:
    """Train ``epochs`` tiny epochs through the tracking callbacks; ``fail_at`` crashes there."""
    callbacks = callbacks_for(model_name, CONFIG)
    assert callbacks, "tracking is off: MLFLOW_TRACKING_URI must be set"
    torch.manual_seed(0)
    model = TinySequenceModel()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    items, targets = torch.randint(0, 20, (8, 4)), torch.randint(0, 20, (8,))
    for callback in callbacks:
        callback.on_train_start(model_name=model_name, config=CONFIG, dataset_stats=STATS,
                                total_parameters=sum(p.numel() for p in model.parameters()))
    try:
        for epoch in range(1, epochs + 1):
            if epoch == fail_at:
                raise RuntimeError(f"diverged at epoch {epoch}")
            loss = nn.functional.cross_entropy(model(items), targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            metrics = {"train_loss": loss.item(), "val_loss": loss.item() + 0.1,
                       "learning_rate": 0.01 / epoch, "recall_at_10": 0.01 * epoch,
                       "ndcg_at_10": 0.005 * epoch}
            for callback in callbacks:
                callback.on_epoch_end(epoch, metrics)
    except RuntimeError as error:
        for callback in callbacks:
            callback.on_train_failed(error)
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), out_dir / "model.pth")
    final = final_metrics(ndcg_at_10)
    (out_dir / "metrics.json").write_text(json.dumps(final))
    for callback in callbacks:
        callback.on_train_end(final_metrics=final, output_dir=out_dir, model=model,
                              example_input=items[:2])
