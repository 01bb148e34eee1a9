"""A tiny real torch model and training loop that drives the tracking callbacks through the
trainer's own lifecycle (``training.training_run``), so the hook order is the CLIs' order."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import torch
from movie_genie_trainer.training import training_run
from torch import nn

CONFIG = {
    "model": {"embedding_dim": 8, "num_layers": 1},
    "training": {"epochs": 3, "learning_rate": 0.01, "batch_size": 4},
    "evaluation": {"ks": [10, 50, 100]},
}
STATS = {"dataset": "tiny", "num_users": 5, "num_movies": 20, "num_interactions": 60}
FINAL = {
    **{
        f"{m}_at_{k}": 0.1 * i
        for i, (m, k) in enumerate(
            (m, k) for m in ("recall", "ndcg", "coverage") for k in (10, 50, 100)
        )
    }
}


class TinySequenceModel(nn.Module):
    def __init__(self, num_items: int = 20, dim: int = 8) -> None:
        super().__init__()
        self.embedding = nn.Embedding(num_items, dim)
        self.output = nn.Linear(dim, num_items)

    def forward(self, items: torch.Tensor) -> torch.Tensor:
        return self.output(self.embedding(items).mean(dim=1))


def train(
    callbacks,
    out_dir: Path,
    epochs: int = 3,
    fail_at: int | None = None,
    *,
    model_name: str = "two-tower",
    config: dict = CONFIG,
    final: dict[str, float] = FINAL,
    val_ndcg_at_10: float = 0.015,
    after_epoch: Callable[[int], None] | None = None,
) -> list[dict]:
    """Train for ``epochs``, write the CLI's output files, call every hook in the CLI's order;
    ``fail_at`` crashes at that epoch (the hooks see it, then it is raised). The validation
    curve climbs linearly to ``val_ndcg_at_10`` at the last epoch. ``after_epoch(epoch)`` is
    called once each epoch has been handed to the hooks (a test may hold the run there)."""
    torch.manual_seed(0)
    model = TinySequenceModel()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    items, targets = torch.randint(0, 20, (16, 5)), torch.randint(0, 20, (16,))
    history = []
    with training_run(
        callbacks,
        model_name=model_name,
        config=config,
        dataset_stats=STATS,
        total_parameters=sum(p.numel() for p in model.parameters()),
    ) as run:
        for epoch in range(1, epochs + 1):
            if epoch == fail_at:
                raise RuntimeError(f"diverged at epoch {epoch}")
            loss = nn.functional.cross_entropy(model(items), targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            metrics = {
                "train_loss": loss.item(),
                "val_loss": loss.item() + 0.1,
                "learning_rate": 0.01 / epoch,
                "val_recall_at_10": 2 * val_ndcg_at_10 * epoch / epochs,
                "val_ndcg_at_10": val_ndcg_at_10 * epoch / epochs,
            }
            history.append({"epoch": epoch, **metrics})
            run.epoch_end(epoch, metrics)
            if after_epoch is not None:
                after_epoch(epoch)
        out_dir.mkdir(parents=True, exist_ok=True)
        torch.save(model.state_dict(), out_dir / "model.pth")
        (out_dir / "metrics.json").write_text(json.dumps(final))
        (out_dir / "history.json").write_text(json.dumps(history))
        (out_dir / "config.yaml").write_text(json.dumps(config))
        run.end(final_metrics=final, output_dir=out_dir, model=model, example_input=items[:2])
    return history
