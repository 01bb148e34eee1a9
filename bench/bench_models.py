"""Model quality and speed on ML-100k test, one protocol for all (issue 3, must-show 2).

    .venv/bin/python bench/bench_models.py      # or: make bench-models

Prepares ML-100k with configs/data.yaml, trains popularity, two-tower and BERT4Rec with their
default configs (untracked), and prints one table: Recall/NDCG/coverage at 10/50/100 on the
test split, training seconds, seconds per epoch, parameter count, and NDCG@10 as a multiple of
the popularity baseline measured in the same run. The table is also saved to bench-results/.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from movie_genie_trainer import train_bert4rec, train_popularity, train_two_tower
from movie_genie_trainer.config import (
    Bert4RecConfig,
    DataConfig,
    PopularityConfig,
    TwoTowerConfig,
    load_config,
)
from movie_genie_trainer.data.dataset import load_processed
from movie_genie_trainer.data.preprocess import write_processed
from movie_genie_trainer.data.sources import load_source

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench-results"
MODELS = [  # (label, trainer module, schema, config file)
    ("popularity", train_popularity, PopularityConfig, "baselines.yaml"),
    ("two-tower", train_two_tower, TwoTowerConfig, "two_tower.yaml"),
    ("bert4rec", train_bert4rec, Bert4RecConfig, "bert4rec.yaml"),
]
KS = (10, 50, 100)


def table(rows: list[dict]) -> str:
    header = ["model", *(f"{m}@{k}" for m in ("R", "NDCG", "Cov") for k in KS),
              "train s", "s/epoch", "params", "NDCG@10 vs pop"]
    baseline = rows[0]["ndcg_at_10"]
    lines = [header]
    for r in rows:
        lines.append([
            r["model"],
            *(f"{r[f'{m}_at_{k}']:.4f}" for m in ("recall", "ndcg", "coverage") for k in KS),
            f"{r['training_time_seconds']:.1f}",
            f"{r['training_time_seconds'] / r['epochs_trained']:.2f}",
            f"{int(r['total_parameters']):,}",
            f"{r['ndcg_at_10'] / baseline:.2f}x",
        ])
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    text = ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in
                      enumerate(zip(row, widths, strict=True))) for row in lines]
    text.insert(1, "-" * len(text[0]))
    return "\n".join(text)


def main() -> int:
    RESULTS.mkdir(exist_ok=True)
    data_config = load_config(ROOT / "configs" / "data.yaml", DataConfig)
    processed = RESULTS / "processed"
    print(f"== preparing {data_config.name} into {processed}", flush=True)
    write_processed(load_source(data_config.source), data_config, processed)
    data = load_processed(processed)
    rows = []
    for label, module, schema, filename in MODELS:
        config = load_config(ROOT / "configs" / filename, schema)
        print(f"== training {label} (configs/{filename})", flush=True)
        metrics = module.train(config, data, RESULTS / "models" / label, []).metrics
        print(f"   {label}: test NDCG@10 {metrics['ndcg_at_10']:.4f} in "
              f"{metrics['training_time_seconds']:.1f} s", flush=True)
        rows.append({"model": label, **metrics})
    report = (f"ML-100k test, leave-one-out, full ranking, seen items excluded "
              f"({data.num_users} users, {data.num_items} items); "
              f"{time.strftime('%Y-%m-%d %H:%M:%S')}\n\n{table(rows)}\n")
    print("\n" + report)
    (RESULTS / "bench_models.txt").write_text(report)
    (RESULTS / "bench_models.json").write_text(json.dumps(rows, indent=2) + "\n")
    print(f"saved to {RESULTS / 'bench_models.txt'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
