"""Compute the popularity baseline, scored by the same evaluation as the trained models.

    python -m movie_genie_trainer.train_popularity --config configs/baselines.yaml \
        --data data/processed --out models/popularity
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import torch

from movie_genie_trainer.callbacks import TrainingCallback
from movie_genie_trainer.cli import train_main
from movie_genie_trainer.config import PopularityConfig
from movie_genie_trainer.data.dataset import SequenceData
from movie_genie_trainer.evaluation import evaluate
from movie_genie_trainer.models.layers import count_parameters
from movie_genie_trainer.models.popularity import Popularity
from movie_genie_trainer.training import (
    RunResult,
    example_input,
    final_metrics,
    reporting_failures,
    run_config,
    save_checkpoint,
    write_outputs,
)

MODEL_NAME = "popularity"


def train(config: PopularityConfig, data: SequenceData, out: Path,
          callbacks: list[TrainingCallback]) -> RunResult:
    nested = run_config(data, config)
    out.mkdir(parents=True, exist_ok=True)
    ks, batch_size = config.evaluation.ks, config.evaluation.batch_size
    with reporting_failures(callbacks):
        counts = torch.from_numpy(data.train_item_counts())
        model = Popularity(counts, config.model.smoothing)
        parameters = count_parameters(model)  # 0: the counts are buffers, not parameters
        for cb in callbacks:
            cb.on_train_start(model_name=MODEL_NAME, config=nested, dataset_stats=data.stats,
                              total_parameters=parameters)
        started = time.perf_counter()
        train_targets = torch.from_numpy(np.concatenate(data.train))
        train_loss = model.calculate_loss({"target": train_targets}).item()
        val = evaluate(model, data, "val", ks, batch_size)
        seconds = time.perf_counter() - started
        record = {"epoch": 1, "train_loss": train_loss, "val_loss": val["loss"],
                  "learning_rate": 0.0, "recall_at_10": val["recall_at_10"],
                  "ndcg_at_10": val["ndcg_at_10"]}
        for cb in callbacks:
            cb.on_epoch_end(1, {k: v for k, v in record.items() if k != "epoch"})
        test = evaluate(model, data, "test", ks, batch_size)
        metrics = final_metrics(data, test, record, parameters, seconds, 1, 1)
        save_checkpoint(out / "model.pth", model, MODEL_NAME, nested,
                        num_users=data.num_users, num_items=data.num_items)
        write_outputs(out, metrics, [record], nested)
        example = example_input(data, model.history_length)
        for cb in callbacks:
            cb.on_train_end(final_metrics=metrics, output_dir=out, model=model,
                            example_input=example)
    return RunResult(metrics, [record])


def main(argv: list[str] | None = None) -> int:
    return train_main(argv, model_name=MODEL_NAME, config_cls=PopularityConfig,
                      default_config="configs/baselines.yaml", default_out="models/popularity",
                      train=train)


if __name__ == "__main__":
    sys.exit(main())
