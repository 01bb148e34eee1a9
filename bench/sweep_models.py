"""The validation sweep behind the default configs (docs/model-selection.md).

    .venv/bin/python bench/sweep_models.py --jobs 14 --out sweep-results
    MOVIE_GENIE_DEVICE=cuda .venv/bin/python bench/sweep_models.py --jobs 14   # on a GPU

Each model's grid is a list of changes to its config in configs/ (``--demo``: configs/ merged
with configs/demo); every variant trains once (seed 42) and is scored by its checkpoint's
validation NDCG@10 only (``--seeds``: each variant under each seed, reported as mean ± sd):
test numbers are never printed or written to the sweep's results, so nothing can be picked on
them. (Each run's folder keeps `bench_models.py`'s cache, test ranks
included and unread here, so that the 3-seed bench of the chosen variant reuses its seed-42 run.)
Writes every variant's validation score, epochs and CPU time (sweep.md, sweep.jsonl) and, per
model, the best variant's full config (chosen/<file>.yaml), which `bench_models.py --configs`
can then run on 3 seeds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

import yaml
from bench_models import (
    MODELS,
    ROOT,
    add_run_arguments,
    cached_train_one,
    pin_worker,
    processed_data,
    raw_config,
)
from movie_genie_trainer.config import merge_configs

TT = "two-tower"
B4R = "bert4rec"


def split_keys(changes: dict) -> dict:
    training_keys = {
        "epochs",
        "batch_size",
        "learning_rate",
        "weight_decay",
        "warmup_epochs",
        "early_stopping_patience",
        "min_lr_ratio",
    }
    out: dict = {}
    for key, value in changes.items():
        section = "training" if key in training_keys else "model"
        out.setdefault(section, {})[key] = value
    return out


# The grids: one change at a time around a base, plus a few combinations; the base comes first
# so that a sweep cut short by its deadline has still scored it.
GRIDS: dict[str, list[dict]] = {
    TT: [
        split_keys(c)
        for c in [
            {},
            {"learning_rate": 0.003},
            {"learning_rate": 0.0003},
            {"embedding_dim": 128},
            {"max_history": 20},
            {"max_history": 100},
            {"num_layers": 1},
            {"use_user_id": True},
            {"dropout": 0.4},
            {"use_genres": False},
            {"batch_size": 1024, "learning_rate": 0.003},
            {"embedding_dim": 128, "num_layers": 1},
            {"epochs": 60},
            # the GPU round (positions 13-25), three seeds each: one change at a time with each
            # variant's epochs capped to the 5-minute budget. Measured CPU-seconds an epoch on
            # the 2-core machine, one thread: defaults 22, embedding 128 49, history 100 39,
            # one attention layer 125 (two epochs at most: left out).
            {},
            {"learning_rate": 0.003},
            {"learning_rate": 0.0003},
            {"embedding_dim": 128, "epochs": 5},
            {"max_history": 20},
            {"max_history": 100, "epochs": 6},
            {"use_user_id": True},
            {"dropout": 0.1},
            {"dropout": 0.4},
            {"use_genres": False},
            {"batch_size": 1024, "learning_rate": 0.003},
            {"weight_decay": 0.01},
            {"epochs": 12, "early_stopping_patience": 4},
        ]
    ],
    B4R: [
        split_keys(c)
        for c in [
            # round 2 (run first): the base's curve still rose at epoch 12, so a longer schedule
            # within the 5-minute budget (~15 CPU-s an epoch), alone and with one change each.
            # On the shared CPU only the first ran (docs/model-selection.md, "BERT4Rec").
            {"epochs": 20, "early_stopping_patience": 5},
            {
                "epochs": 20,
                "early_stopping_patience": 5,
                "last_item_mask_ratio": 1.0,
                "last_item_rule": "also",
            },
            {"epochs": 20, "early_stopping_patience": 5, "learning_rate": 0.005},
            {"epochs": 20, "early_stopping_patience": 5, "dropout": 0.1},
            {"epochs": 20, "early_stopping_patience": 5, "mask_ratio": 0.2},
            {"hidden_size": 128},
            # round 1's one-at-a-time grid around the base
            {},
            {"learning_rate": 0.001},
            {"learning_rate": 0.005},
            {"max_length": 100, "window_stride": 50},
            {"window_stride": 50, "epochs": 24, "early_stopping_patience": 8},
            {"batch_size": 128},
            {"dropout": 0.1},
            {"mask_ratio": 0.2},
            {"mask_ratio": 0.4},
            {"last_item_mask_ratio": 1.0, "last_item_rule": "also"},
            {"hidden_size": 128},
            {"num_layers": 1},
            {"weight_decay": 0.0},
            {"epochs": 40},
            # round 3 adds what won the demo's sweep (batch 32, no warm-up); it runs these with
            # round 1's untried ones and the mask-ratio tie on 2-3 seeds (`--variants`).
            {"batch_size": 32},
            {"warmup_epochs": 0},
            # round 5 (positions 22-42), three seeds each on the GPU machine, the defaults
            # (position 6) beside them. Each variant's epochs are capped so its one-thread CPU
            # cost stays within the 5-minute budget: measured CPU-seconds an epoch on this
            # project's 2-core machine (train + validation) are in the comment.
            {"label_smoothing": 0.1},  # 13.2
            {"hidden_size": 128, "epochs": 9},  # 27.1
            {"window_stride": 10, "epochs": 8},  # 28.7: 2.2x the windows an epoch
            {"num_heads": 4},  # 15.1
            {"label_smoothing": 0.2},
            {"hidden_size": 96, "epochs": 13},  # 19.5
            {"num_layers": 3, "epochs": 13},  # 19.1
            {"max_length": 100, "window_stride": 25, "epochs": 8},  # 31.7
            {"max_length": 30, "window_stride": 15, "epochs": 20},  # 12.4
            {"batch_size": 32, "epochs": 16},  # 15.1
            {"last_item_mask_ratio": 0.4},
            {"dropout": 0.3},
            {"weight_decay": 0.1},
            {"learning_rate": 0.002},
            {"label_smoothing": 0.1, "hidden_size": 128, "epochs": 9},
            {"label_smoothing": 0.1, "window_stride": 10, "epochs": 8},
            {"max_length": 30, "window_stride": 15},
            {"last_item_mask_ratio": 0.1},
            {"hidden_size": 128, "num_heads": 4, "epochs": 8},  # ~30.6
            {"mask_ratio": 0.4, "epochs": 18, "early_stopping_patience": 5},
            {"epochs": 18, "early_stopping_patience": 5},
            # round 6 (positions 43-47): pairs around round 5's best (position 41), five seeds
            {"mask_ratio": 0.4, "label_smoothing": 0.1, "epochs": 18, "early_stopping_patience": 5},
            {"mask_ratio": 0.4, "label_smoothing": 0.2, "epochs": 18, "early_stopping_patience": 5},
            {"mask_ratio": 0.5, "epochs": 18, "early_stopping_patience": 5},
            {"mask_ratio": 0.4, "batch_size": 32, "epochs": 16, "early_stopping_patience": 5},
            {"label_smoothing": 0.1, "epochs": 18, "early_stopping_patience": 5},
        ]
    ],
    "ease": [{}],
}
# The demo's grid, around configs/ merged with configs/demo: the demo's 3-minute budget leaves
# BERT4Rec about 5-6 epochs (~15 CPU-s each), so these try to learn more per epoch. Run against
# the previous configs/demo (4 epochs, 1 warm-up epoch, batch 64); the last one won and is now
# configs/demo (docs/model-selection.md, "Demo").
DEMO_GRIDS: dict[str, list[dict]] = {
    B4R: [
        split_keys(c)
        for c in [
            {"epochs": 6},
            {"epochs": 6, "warmup_epochs": 0},
            {"epochs": 5, "warmup_epochs": 0},
            {"epochs": 5, "warmup_epochs": 0, "learning_rate": 0.005},
            {"epochs": 5, "warmup_epochs": 0, "batch_size": 32},
        ]
    ],
    TT: [{}],
}


def describe(change: dict) -> str:
    flat = [f"{k}={v}" for section in change.values() for k, v in section.items()]
    return ", ".join(flat) or "base"


def variant_rows(results: list[dict]) -> list[dict]:
    """One row per variant: its seeds' validation NDCG@10 as mean ± sd (sd 0 for one seed),
    best first; times are means."""
    import statistics

    by_change: dict[str, list[dict]] = {}
    for r in results:
        by_change.setdefault(r["change"], []).append(r)
    rows = []
    for change, runs in by_change.items():
        runs.sort(key=lambda r: r["seed"])
        scores = [r["val_ndcg_at_10"] for r in runs]
        rows.append(
            {
                "change": change,
                "config": runs[0]["config"],
                "seeds": " ".join(str(r["seed"]) for r in runs),
                "mean": statistics.fmean(scores),
                "sd": statistics.stdev(scores) if len(scores) > 1 else 0.0,
                "per_seed": ", ".join(f"{s:.4f}" for s in scores),
                "recall": statistics.fmean(r["val_recall_at_10"] for r in runs),
                "epochs": ", ".join(f"{r['best_epoch']}/{r['epochs_trained']}" for r in runs),
                "seconds": statistics.fmean(r["seconds"] for r in runs),
                "cpu_seconds": statistics.fmean(r["cpu_seconds"] for r in runs),
            }
        )
    return sorted(rows, key=lambda r: -r["mean"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=[TT, B4R], choices=list(GRIDS))
    parser.add_argument(
        "--deadline",
        type=float,
        default=None,
        help="seconds; unfinished variants are stopped and left out",
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="only the first N variants per model (a dry run)"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="sweep DEMO_GRIDS around configs/ merged with configs/demo (the demo's budget)",
    )
    parser.add_argument(
        "--skip", type=int, default=0, help="leave out the first N variants (already run)"
    )
    parser.add_argument(
        "--variants",
        type=int,
        nargs="+",
        default=None,
        help="only these grid positions (0-based), in this order",
    )
    parser.add_argument(
        "--seeds", type=int, nargs="+", default=[42], help="train each variant under each seed"
    )
    add_run_arguments(parser, ROOT / "sweep-results", threads=1)
    args = parser.parse_args(argv)
    processed = processed_data(args)
    grids = DEMO_GRIDS if args.demo else GRIDS
    overrides = ROOT / "configs" / "demo" if args.demo else None
    jobs = []
    for label in args.models:
        filename = MODELS[label][2]
        base = raw_config(ROOT / "configs", filename, overrides)
        for i, change in enumerate(grids[label][: args.limit]):
            if i < args.skip or (args.variants is not None and i not in args.variants):
                continue
            for seed in args.seeds:
                # seed 42 keeps the folder name of the single-seed sweeps (their caches)
                suffix = "" if seed == 42 else f"-seed{seed}"
                order = args.variants.index(i) if args.variants is not None else i
                jobs.append(
                    (
                        order,
                        label,
                        change,
                        merge_configs(base, change),
                        seed,
                        str(args.out / "models" / f"{label}-{i}{suffix}"),
                    )
                )
    # Interleave the models so a deadline cuts both grids' tails, not one model's grid; a
    # variant's seeds run side by side.
    jobs.sort(key=lambda job: job[0])
    started = time.monotonic()
    import multiprocessing
    import os

    context = multiprocessing.get_context("spawn")
    slots = context.Manager().Queue()
    cores = sorted(os.sched_getaffinity(0))
    for i in range(args.jobs):
        slots.put(cores[(i * args.threads) % len(cores) :][: args.threads] or cores[:1])
    results = []
    log = (args.out / "sweep.jsonl").open("w")
    pool = ProcessPoolExecutor(
        args.jobs, mp_context=context, initializer=pin_worker, initargs=(slots, args.threads)
    )
    pending = {
        pool.submit(cached_train_one, label, raw, seed, str(processed), out): (
            label,
            change,
            raw,
        )
        for _, label, change, raw, seed, out in jobs
    }
    while pending:
        left = None if args.deadline is None else args.deadline - (time.monotonic() - started)
        if left is not None and left <= 0:
            break
        done, _ = wait(pending, timeout=left, return_when=FIRST_COMPLETED)
        for future in done:
            label, change, raw = pending.pop(future)
            try:
                run = future.result()
            except Exception as exc:  # one broken variant must not lose the others
                print(f"{label} {describe(change)}: failed: {exc!r}", flush=True)
                continue
            metrics = run["metrics"]
            row = {
                "model": label,
                "change": describe(change),
                "seed": run["seed"],
                "config": raw,
                "val_ndcg_at_10": metrics["val_ndcg_at_10"],
                "val_recall_at_10": metrics["val_recall_at_10"],
                "best_epoch": metrics["best_epoch"],
                "epochs_trained": metrics["epochs_trained"],
                "seconds": metrics["training_time_seconds"],
                "cpu_seconds": run["cpu_seconds"],
                "val_curve": [round(r["val_ndcg_at_10"], 5) for r in run["history"]],
            }
            results.append(row)
            log.write(json.dumps(row) + "\n")
            log.flush()
            print(
                f"{label:9} {describe(change):45} seed {row['seed']} "
                f"val NDCG@10 {row['val_ndcg_at_10']:.4f} "
                f"(epoch {row['best_epoch']}/{row['epochs_trained']}, "
                f"{row['seconds']:.0f} s, {row['cpu_seconds']:.0f} CPU s)",
                flush=True,
            )
    for future, (label, change, _) in pending.items():
        future.cancel()
        print(f"{label} {describe(change)}: not finished by the deadline", flush=True)
    for process in list(getattr(pool, "_processes", {}).values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)

    chosen_dir = args.out / "chosen"
    chosen_dir.mkdir(exist_ok=True)
    for path in (ROOT / "configs").glob("*.yaml"):  # models not swept keep their defaults
        (chosen_dir / path.name).write_text(path.read_text())
    lines = [
        "| model | change from configs/ | seeds | val NDCG@10 (mean ± sd) | per seed | "
        "val Recall@10 | best epoch / run | seconds | CPU s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label in args.models:
        rows = variant_rows([r for r in results if r["model"] == label])
        for r in rows:
            lines.append(
                f"| {label} | {r['change']} | {r['seeds']} | {r['mean']:.4f} ± {r['sd']:.4f} | "
                f"{r['per_seed']} | {r['recall']:.4f} | {r['epochs']} | {r['seconds']:.0f} | "
                f"{r['cpu_seconds']:.0f} |"
            )
        if rows:
            best = rows[0]["config"]
            (chosen_dir / MODELS[label][2]).write_text(yaml.safe_dump(best, sort_keys=False))
            print(f"chosen {label}: {rows[0]['change']} ({rows[0]['mean']:.4f})")
    (args.out / "sweep.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines), flush=True)
    log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
