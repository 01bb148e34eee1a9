"""The training lifecycle every model follows, the loop shared by the gradient-trained models,
and the files every run writes.

``training_run`` is the one place that orders the tracking hooks (start, one report per epoch,
end; failure on any exception); ``fit``, the popularity and EASE baselines and the tests' tiny
loop all go through it. The loop is seeded, runs on the machine's device and threads
(``machine.py``: environment, not DVC params), follows a warm-up + cosine learning-rate
schedule over the batches it is actually given, evaluates validation NDCG@10 after every
epoch, keeps the best weights by validation (checkpointed with their config), stops early on
validation, and reads test once.
"""

from __future__ import annotations

import copy
import json
import math
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
from movie_genie_trainer.machine import machine
from movie_genie_trainer.models.layers import count_parameters

Batch = dict[str, torch.Tensor]
MakeBatches = Callable[[np.random.Generator], list[Batch]]  # one epoch's batches


def select_device() -> torch.device:
    wanted = machine().device
    if wanted == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if wanted == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("MOVIE_GENIE_DEVICE=cuda but CUDA is not available")
    return torch.device(wanted)


def seed_everything(seed: int) -> None:
    """Seed every generator, and use the machine's thread count (``machine.py``)."""
    if machine().num_threads:
        torch.set_num_threads(machine().num_threads)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def run_config(data: SequenceData, config: Any) -> dict[str, Any]:
    """The nested config logged as params: the data preparation plus the model's sections."""
    return {"data": data.data_config.model_dump(mode="json"), **config.model_dump(mode="json")}


def example_input(data: SequenceData, length: int) -> np.ndarray:
    """A two-user history batch: a valid input for ``model.forward`` (an MLflow signature)."""
    return pad_left(data.history("test")[:2], length).numpy()


def end_run(run: Lifecycle, model: Any, data: SequenceData, metrics: dict, out: Path) -> None:
    """How every run ends: its final metrics, files and model, with an example input and the
    items' movie ids (so the logged model answers in ids)."""
    run.end(
        final_metrics=metrics,
        output_dir=out,
        model=model,
        example_input=example_input(data, model.history_length),
        item_ids=data.item_ids,
    )


class Lifecycle:
    """The hooks a run may call once it has started: epochs in order, then ``end`` once."""

    def __init__(self, callbacks: list[TrainingCallback]):
        self.callbacks = callbacks
        self.last_epoch = 0
        self.ended = False

    def epoch_end(self, epoch: int, metrics: dict[str, float]) -> None:
        if self.ended or epoch <= self.last_epoch:
            raise RuntimeError(f"epoch {epoch} reported after epoch {self.last_epoch} or the end")
        self.last_epoch = epoch
        for cb in self.callbacks:
            cb.on_epoch_end(epoch, metrics)

    def end(
        self,
        *,
        final_metrics: dict[str, float],
        output_dir: Path,
        model: Any,
        example_input: Any,
        item_ids: Any = None,
    ) -> None:
        if self.ended:
            raise RuntimeError("the run has already ended")
        self.ended = True
        for cb in self.callbacks:
            cb.on_train_end(
                final_metrics=final_metrics,
                output_dir=output_dir,
                model=model,
                example_input=example_input,
                item_ids=item_ids,
            )


@contextmanager
def training_run(
    callbacks: Iterable[TrainingCallback],
    *,
    model_name: str,
    config: dict[str, Any],
    dataset_stats: dict,
    total_parameters: int,
):
    """Start the run on every callback, yield its ``Lifecycle``; any exception (a failing
    start included) is reported to every callback with ``on_train_failed`` and re-raised, and
    a block that returns without ``end`` is an error, so no run is left open."""
    callbacks = list(callbacks)
    try:
        for cb in callbacks:
            cb.on_train_start(
                model_name=model_name,
                config=config,
                dataset_stats=dataset_stats,
                total_parameters=total_parameters,
            )
        lifecycle = Lifecycle(callbacks)
        yield lifecycle
        if not lifecycle.ended:
            raise RuntimeError(f"{model_name}: training returned without ending the run")
    except BaseException as exc:
        for cb in callbacks:
            cb.on_train_failed(exc)
        raise


def epoch_record(
    epoch: int, train_loss: float, learning_rate: float, val: dict[str, float]
) -> dict[str, float]:
    """One history row; its metrics (all but ``epoch``) are logged per epoch, step = epoch.
    Validation metrics carry a ``val_`` prefix so they never mix with the final test ones."""
    return {
        "epoch": epoch,
        "train_loss": train_loss,
        "val_loss": val["loss"],
        "learning_rate": learning_rate,
        "val_recall_at_10": val["recall_at_10"],
        "val_ndcg_at_10": val["ndcg_at_10"],
    }


def epoch_metrics(record: dict[str, float]) -> dict[str, float]:
    return {k: v for k, v in record.items() if k != "epoch"}


@dataclass
class RunResult:
    metrics: dict[str, float]
    history: list[dict[str, float]] = field(default_factory=list)
    test_ranks: np.ndarray | None = None  # per user, for paired comparisons (bench-models)


def final_metrics(
    data: SequenceData,
    test: dict[str, float],
    parameters: int,
    seconds: float,
    epochs: int,
    best_epoch: int,
) -> dict[str, float]:
    """The run's final metrics, logged once: the test split under their plain names (the
    checkpoint's validation scores are the per-epoch ``val_*`` curve at ``best_epoch``)."""
    return {
        **{k: v for k, v in test.items() if k != "loss"},
        "test_loss": test["loss"],
        "num_users": data.stats["num_users"],
        "num_movies": data.stats["num_movies"],
        "num_interactions": data.stats["num_interactions"],
        "total_parameters": parameters,
        "training_time_seconds": seconds,
        "epochs_trained": epochs,
        "best_epoch": best_epoch,
    }


def save_checkpoint(
    path: Path, model: torch.nn.Module, model_name: str, config: dict[str, Any], **extra: Any
) -> None:
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    torch.save({"model_name": model_name, "config": config, "state_dict": state, **extra}, path)


def write_outputs(out: Path, metrics: dict, history: list[dict], config: dict) -> dict:
    """metrics.json holds the final test metrics plus, for DVC and the benches, the kept
    checkpoint's validation scores (``val_*`` at ``best_epoch``)."""
    best = next((r for r in history if r["epoch"] == metrics.get("best_epoch")), None)
    if best is not None:
        metrics = {
            **metrics,
            "val_recall_at_10": best["val_recall_at_10"],
            "val_ndcg_at_10": best["val_ndcg_at_10"],
        }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    (out / "history.json").write_text(json.dumps(history, indent=2) + "\n")
    (out / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return metrics


def lr_lambda(total_steps: int, warmup_steps: int, min_ratio: float) -> Callable[[int], float]:
    def factor(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / warmup_steps
        progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
        return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))

    return factor


def fit(
    model: torch.nn.Module,
    data: SequenceData,
    *,
    model_name: str,
    config: Any,
    make_batches: MakeBatches,
    out: Path,
    callbacks: list[TrainingCallback],
) -> RunResult:
    """Train ``model`` on the batches ``make_batches`` yields each epoch; write the run's files.

    The learning-rate schedule counts the batches it is given: epoch 1's list fixes the steps
    per epoch (later epochs may differ a little; the schedule then holds its last value)."""
    train_cfg: TrainingConfig = config.training
    eval_cfg: EvaluationConfig = config.evaluation
    nested = run_config(data, config)
    out.mkdir(parents=True, exist_ok=True)
    device = select_device()
    model.to(device)
    parameters = count_parameters(model)
    with training_run(
        callbacks,
        model_name=model_name,
        config=nested,
        dataset_stats=data.stats,
        total_parameters=parameters,
    ) as run:
        rng = np.random.default_rng(train_cfg.seed)
        batches = make_batches(rng)
        if not batches:
            raise ValueError(f"{model_name}: make_batches gave no training batches")
        steps = len(batches) * train_cfg.epochs
        optimizer = torch.optim.AdamW(
            model.parameters(), lr=train_cfg.learning_rate, weight_decay=train_cfg.weight_decay
        )
        warmup = train_cfg.warmup_epochs * len(batches)
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lr_lambda(steps, warmup, train_cfg.min_lr_ratio)
        )
        history: list[dict[str, float]] = []
        best, best_state, stale = None, None, 0
        started = time.perf_counter()
        bar = tqdm(
            range(1, train_cfg.epochs + 1),
            desc=model_name,
            unit="epoch",
            disable=None if machine().progress_bar is None else not machine().progress_bar,
        )
        for epoch in bar:
            if epoch > 1:
                batches = make_batches(rng)
            model.train()
            losses = []
            for batch in batches:
                loss = model.calculate_loss({k: v.to(device) for k, v in batch.items()})
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
                optimizer.step()
                scheduler.step()
                losses.append(loss.item())
            val = evaluate(model, data, "val", eval_cfg.ks, eval_cfg.batch_size, device).metrics
            record = epoch_record(epoch, float(np.mean(losses)), scheduler.get_last_lr()[0], val)
            history.append(record)
            (out / "history.json").write_text(json.dumps(history, indent=2) + "\n")
            run.epoch_end(epoch, epoch_metrics(record))
            bar.set_postfix(
                loss=f"{record['train_loss']:.3f}", val_ndcg10=f"{record['val_ndcg_at_10']:.4f}"
            )
            if best is None or record["val_ndcg_at_10"] > best["val_ndcg_at_10"]:
                best, stale = record, 0
                best_state = copy.deepcopy(model.state_dict())
                save_checkpoint(
                    out / "model.pth",
                    model,
                    model_name,
                    nested,
                    epoch=epoch,
                    num_users=data.num_users,
                    num_items=data.num_items,
                )
            else:
                stale += 1
                if stale >= train_cfg.early_stopping_patience:
                    break
        bar.close()
        seconds = time.perf_counter() - started
        model.load_state_dict(best_state)
        test, ranks = evaluate(model, data, "test", eval_cfg.ks, eval_cfg.batch_size, device)
        metrics = final_metrics(data, test, parameters, seconds, len(history), best["epoch"])
        written = write_outputs(out, metrics, history, nested)
        model.cpu().eval()
        end_run(run, model, data, metrics, out)
    return RunResult(written, history, ranks)


def gradient_trainer(
    model_name: str, prepare: Callable[[Any, SequenceData], tuple[torch.nn.Module, MakeBatches]]
) -> Callable[[Any, SequenceData, Path, list[TrainingCallback]], RunResult]:
    """The ``train(config, data, out, callbacks)`` of a model trained by gradient steps: seed
    everything, ``prepare(config, data)`` its model and each epoch's ``make_batches(rng)``,
    then ``fit``."""

    def train(
        config: Any, data: SequenceData, out: Path, callbacks: list[TrainingCallback]
    ) -> RunResult:
        seed_everything(config.training.seed)
        model, make_batches = prepare(config, data)
        return fit(
            model,
            data,
            model_name=model_name,
            config=config,
            make_batches=make_batches,
            out=out,
            callbacks=callbacks,
        )

    return train


def fit_closed_form(
    data: SequenceData,
    *,
    model_name: str,
    config: Any,
    out: Path,
    callbacks: list[TrainingCallback],
    build: Callable[[], tuple[torch.nn.Module, float, dict[str, float]]],
) -> RunResult:
    """The lifecycle of a model without gradient steps (popularity, EASE): ``build`` returns
    the fitted model (any choice it makes on validation included), its training loss and extra
    final metrics; the run is one epoch of validation, then test, read once."""
    nested = run_config(data, config)
    out.mkdir(parents=True, exist_ok=True)
    ks, batch_size = config.evaluation.ks, config.evaluation.batch_size
    with training_run(
        callbacks,
        model_name=model_name,
        config=nested,
        dataset_stats=data.stats,
        total_parameters=0,
    ) as run:
        started = time.perf_counter()
        model, train_loss, extra = build()
        val = evaluate(model, data, "val", ks, batch_size).metrics
        seconds = time.perf_counter() - started
        record = epoch_record(1, train_loss, 0.0, val)
        run.epoch_end(1, epoch_metrics(record))
        test, ranks = evaluate(model, data, "test", ks, batch_size)
        metrics = {**final_metrics(data, test, count_parameters(model), seconds, 1, 1), **extra}
        save_checkpoint(
            out / "model.pth",
            model,
            model_name,
            nested,
            num_users=data.num_users,
            num_items=data.num_items,
        )
        written = write_outputs(out, metrics, [record], nested)
        end_run(run, model, data, metrics, out)
    return RunResult(written, [record], ranks)
