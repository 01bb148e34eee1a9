"""The training loop shared by the gradient-trained models, and the files every run writes.

The loop is seeded, picks CUDA when present (``MOVIE_GENIE_DEVICE`` forces cpu/cuda), follows
a warm-up + cosine learning-rate schedule, evaluates validation NDCG@10 after every epoch, keeps
the best weights (checkpointed with their config), stops early, and reports each step to the
tracking callbacks (``callbacks.TrainingCallback``).
"""

from __future__ import annotations

import copy
import json
import math
import os
import random
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import yaml
from tqdm import tqdm

from movie_genie_trainer.callbacks import TrainingCallback
from movie_genie_trainer.config import EvaluationConfig, TrainingConfig
from movie_genie_trainer.data.dataset import SequenceData, pad_left
from movie_genie_trainer.evaluation import evaluate
from movie_genie_trainer.models.layers import count_parameters

Batch = dict[str, torch.Tensor]


def select_device() -> torch.device:
    wanted = os.environ.get("MOVIE_GENIE_DEVICE", "auto").strip().lower()
    if wanted in ("", "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if wanted not in ("cpu", "cuda"):
        raise ValueError(f"MOVIE_GENIE_DEVICE must be auto, cpu or cuda, not {wanted!r}")
    if wanted == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("MOVIE_GENIE_DEVICE=cuda but CUDA is not available")
    return torch.device(wanted)


def seed_everything(seed: int, num_threads: int | None = None) -> None:
    if num_threads:
        torch.set_num_threads(num_threads)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def run_config(data: SequenceData, config: Any) -> dict[str, Any]:
    """The nested config logged as params: the data preparation plus the model's sections."""
    return {"data": data.data_config.model_dump(mode="json"), **config.model_dump(mode="json")}


def example_input(data: SequenceData, length: int) -> np.ndarray:
    """A two-user history batch: a valid input for ``model.forward`` (an MLflow signature)."""
    return pad_left(data.history("test")[:2], length).numpy()


@contextmanager
def reporting_failures(callbacks: Iterable[TrainingCallback]):
    """Tell every callback about an exception, then let it propagate."""
    try:
        yield
    except BaseException as exc:
        for cb in callbacks:
            cb.on_train_failed(exc)
        raise


@dataclass
class RunResult:
    metrics: dict[str, float]
    history: list[dict[str, float]] = field(default_factory=list)


def final_metrics(data: SequenceData, test: dict[str, float], best: dict[str, float],
                  parameters: int, seconds: float, epochs: int, best_epoch: int
                  ) -> dict[str, float]:
    return {
        **{k: v for k, v in test.items() if k != "loss"},
        "test_loss": test["loss"],
        "val_recall_at_10": best["recall_at_10"],
        "val_ndcg_at_10": best["ndcg_at_10"],
        "num_users": data.stats["num_users"],
        "num_movies": data.stats["num_movies"],
        "num_interactions": data.stats["num_interactions"],
        "total_parameters": parameters,
        "training_time_seconds": seconds,
        "epochs_trained": epochs,
        "best_epoch": best_epoch,
    }


def save_checkpoint(path: Path, model: torch.nn.Module, model_name: str,
                    config: dict[str, Any], **extra: Any) -> None:
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    torch.save({"model_name": model_name, "config": config, "state_dict": state, **extra}, path)


def write_outputs(out: Path, metrics: dict, history: list[dict], config: dict) -> None:
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    (out / "history.json").write_text(json.dumps(history, indent=2) + "\n")
    (out / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def lr_lambda(total_steps: int, warmup_steps: int, min_ratio: float) -> Callable[[int], float]:
    def factor(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / warmup_steps
        progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
        return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))
    return factor


def fit(model: torch.nn.Module, data: SequenceData, *, model_name: str, config: Any,
        make_batches: Callable[[np.random.Generator], list[Batch]], out: Path,
        callbacks: list[TrainingCallback]) -> RunResult:
    """Train ``model`` on the batches ``make_batches`` yields each epoch; write the run's files."""
    train_cfg: TrainingConfig = config.training
    eval_cfg: EvaluationConfig = config.evaluation
    nested = run_config(data, config)
    out.mkdir(parents=True, exist_ok=True)
    device = select_device()
    model.to(device)
    parameters = count_parameters(model)
    with reporting_failures(callbacks):
        for cb in callbacks:
            cb.on_train_start(model_name=model_name, config=nested,
                              dataset_stats=data.stats, total_parameters=parameters)
        rng = np.random.default_rng(train_cfg.seed)
        # Every model batches users (batching.user_batches): that fixes the steps per epoch.
        steps = math.ceil(data.num_users / train_cfg.batch_size) * train_cfg.epochs
        optimizer = torch.optim.AdamW(model.parameters(), lr=train_cfg.learning_rate,
                                      weight_decay=train_cfg.weight_decay)
        warmup = train_cfg.warmup_epochs * steps // train_cfg.epochs
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lr_lambda(steps, warmup, train_cfg.min_lr_ratio))
        history: list[dict[str, float]] = []
        best, best_state, stale = None, None, 0
        started = time.perf_counter()
        bar = tqdm(range(1, train_cfg.epochs + 1), desc=model_name, unit="epoch",
                   disable=not train_cfg.progress_bar)
        for epoch in bar:
            model.train()
            losses = []
            for batch in make_batches(rng):
                loss = model.calculate_loss({k: v.to(device) for k, v in batch.items()})
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
                optimizer.step()
                scheduler.step()
                losses.append(loss.item())
            val = evaluate(model, data, "val", eval_cfg.ks, eval_cfg.batch_size, device)
            record = {"epoch": epoch, "train_loss": float(np.mean(losses)),
                      "val_loss": val["loss"], "learning_rate": scheduler.get_last_lr()[0],
                      "recall_at_10": val["recall_at_10"], "ndcg_at_10": val["ndcg_at_10"]}
            history.append(record)
            (out / "history.json").write_text(json.dumps(history, indent=2) + "\n")
            for cb in callbacks:
                cb.on_epoch_end(epoch, {k: v for k, v in record.items() if k != "epoch"})
            bar.set_postfix(loss=f"{record['train_loss']:.3f}", ndcg10=f"{val['ndcg_at_10']:.4f}")
            if best is None or record["ndcg_at_10"] > best["ndcg_at_10"]:
                best, stale = record, 0
                best_state = copy.deepcopy(model.state_dict())
                save_checkpoint(out / "model.pth", model, model_name, nested, epoch=epoch,
                                num_users=data.num_users, num_items=data.num_items)
            else:
                stale += 1
                if stale >= train_cfg.early_stopping_patience:
                    break
        bar.close()
        seconds = time.perf_counter() - started
        model.load_state_dict(best_state)
        test = evaluate(model, data, "test", eval_cfg.ks, eval_cfg.batch_size, device)
        metrics = final_metrics(data, test, best, parameters, seconds, len(history),
                                best["epoch"])
        write_outputs(out, metrics, history, nested)
        model.cpu().eval()
        example = example_input(data, model.history_length)
        for cb in callbacks:
            cb.on_train_end(final_metrics=metrics, output_dir=out, model=model,
                            example_input=example)
    return RunResult(metrics, history)
