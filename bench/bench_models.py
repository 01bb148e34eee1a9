"""Model quality and speed on ML-100k: 3 seeds per model, chosen on validation, test beside.

    .venv/bin/python bench/bench_models.py      # or: make bench-models
    .venv/bin/python bench/bench_models.py --overrides configs/demo   # the demo's settings
    .venv/bin/python bench/bench_models.py --jobs 6   # 6 runs at once, each pinned to 2 cores

Prepares ML-100k with configs/data.yaml, trains popularity, EASE, two-tower and BERT4Rec with
their default configs (untracked) under 3 seeds each (popularity and EASE are deterministic: one
run), and prints one table: mean ± sd over seeds of validation and test NDCG@10 / Recall@10,
each model's test NDCG@10 as a multiple of EASE's and popularity's, a paired bootstrap 95%
interval (users resampled) of its test NDCG@10 minus EASE's, and training time. The table is
saved to bench-results/ (text, markdown for the README, JSON).

Each finished run is cached beside its model (``bench-run.json``, keyed by its config and the
processed data): a bench that was stopped resumes where it stopped (``--fresh`` retrains all).
"train s" is wall time; "CPU s" is the run's own CPU time, which reads the same on a machine
other programs share.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MODELS = {  # label -> (trainer module, schema name, config file, seeded)
    "popularity": ("train_popularity", "PopularityConfig", "baselines.yaml", False),
    "ease": ("train_ease", "EaseConfig", "ease.yaml", False),
    "two-tower": ("train_two_tower", "TwoTowerConfig", "two_tower.yaml", True),
    "bert4rec": ("train_bert4rec", "Bert4RecConfig", "bert4rec.yaml", True),
}
REFERENCE = "ease"
BOOTSTRAP_SAMPLES = 10_000


def raw_config(configs: Path, filename: str, overrides: Path | None) -> dict:
    """The config as a plain mapping, with ``overrides/<filename>`` on top when there is one
    (the same merge as the demo's: ``merge_configs``)."""
    from movie_genie_trainer.config import merge_configs

    layers = [configs / filename]
    if overrides is not None and (overrides / filename).is_file():
        layers.append(overrides / filename)
    return merge_configs(*layers)


def prepare(out: Path) -> Path:
    from movie_genie_trainer.config import DataConfig, load_config
    from movie_genie_trainer.data.preprocess import write_processed
    from movie_genie_trainer.data.sources import load_source

    data_config = load_config(ROOT / "configs" / "data.yaml", DataConfig)
    processed = out / "processed"
    write_processed(load_source(data_config.source), data_config, processed)
    return processed


_CORES: list[int] | None = None


def pin_worker(slots: Any, threads: int) -> None:
    """Pool initializer: take a free block of ``threads`` cores and stay on it."""
    global _CORES
    _CORES = slots.get()
    os.sched_setaffinity(0, _CORES)
    os.environ["MOVIE_GENIE_NUM_THREADS"] = str(threads)  # read by movie_genie_trainer.machine


def run_key(raw: dict, seed: int | None, processed: str) -> str:
    """What a cached run must match: its config, seed and the processed tables' contents
    (read back, since a parquet file's bytes need not repeat)."""
    import pandas as pd

    digest = hashlib.sha256(json.dumps([raw, seed], sort_keys=True).encode())
    for path in sorted(Path(processed).glob("*.parquet")):
        digest.update(path.name.encode() + pd.read_parquet(path).to_json().encode())
    return digest.hexdigest()


def train_one(
    label: str, raw: dict, seed: int | None, processed: str, out: str, keep_ranks: bool = True
) -> dict:
    """One run; returns its final metrics, per-epoch history and per-user test ranks."""
    import importlib

    from movie_genie_trainer import config as config_module
    from movie_genie_trainer.config import merge_configs, parse_config
    from movie_genie_trainer.data.dataset import load_processed

    module_name, schema, filename, seeded = MODELS[label]
    if seeded and seed is not None:
        raw = merge_configs(raw, {"training": {"seed": seed}})
    config = parse_config(raw, getattr(config_module, schema), filename)
    module = importlib.import_module(f"movie_genie_trainer.{module_name}")
    data = load_processed(processed)
    cpu = time.process_time()
    result = module.train(config, data, Path(out), [])
    return {
        "model": label,
        "seed": seed,
        "metrics": result.metrics,
        "history": result.history,
        "cpu_seconds": time.process_time() - cpu,
        "test_ranks": result.test_ranks.tolist() if keep_ranks else None,
    }


def cached_train_one(label: str, raw: dict, seed: int | None, processed: str, out: str) -> dict:
    """``train_one``, or its saved result when the same config already ran on the same data."""
    cache = Path(out) / "bench-run.json"
    key = run_key(raw, seed, processed)
    if cache.is_file():
        saved = json.loads(cache.read_text())
        if saved.get("key") == key:
            return {**saved["run"], "cached": True}
    run = train_one(label, raw, seed, processed, out)
    cache.write_text(json.dumps({"key": key, "run": run}))
    return run


def run_jobs(jobs: list[tuple], workers: int, threads: int, log: Path) -> list[dict]:
    """Run ``cached_train_one(*job)`` for each job: in this process, or ``workers`` processes each
    pinned to its own ``threads`` cores (so timings read like a ``threads``-core machine).
    Each finished run's metrics are appended to ``log`` as they come."""

    def record(run: dict) -> dict:
        with log.open("a") as f:
            f.write(json.dumps({k: v for k, v in run.items() if k != "test_ranks"}) + "\n")
        print(
            f"   {run['model']} seed {run['seed']}: val NDCG@10 "
            f"{run['metrics']['val_ndcg_at_10']:.4f}, test {run['metrics']['ndcg_at_10']:.4f}"
            f" in {run['metrics']['training_time_seconds']:.0f} s"
            f" ({run['cpu_seconds']:.0f} CPU s{', cached' if run.get('cached') else ''};"
            f" load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
        return run

    if workers <= 1:
        return [record(cached_train_one(*job)) for job in jobs]
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    slots = context.Manager().Queue()
    cores = sorted(os.sched_getaffinity(0))
    for i in range(workers):
        block = cores[(i * threads) % len(cores) :][:threads] or cores[:threads]
        slots.put(block)
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=pin_worker, initargs=(slots, threads)
    ) as pool:
        futures = [pool.submit(cached_train_one, *job) for job in jobs]
        for future in as_completed(futures):
            record(future.result())
        return [f.result() for f in futures]


def paired_bootstrap(
    model_gains: np.ndarray,
    reference_gains: np.ndarray,
    samples: int = BOOTSTRAP_SAMPLES,
    seed: int = 0,
) -> tuple[float, float]:
    """95% percentile interval of mean(model - reference) with users resampled together."""
    diff = model_gains - reference_gains
    rng = np.random.default_rng(seed)
    means = np.array([diff[rng.integers(0, len(diff), len(diff))].mean() for _ in range(samples)])
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def summarise(runs: list[dict]) -> list[dict]:
    from movie_genie_trainer.evaluation import ndcg_from_ranks

    by_model: dict[str, list[dict]] = {}
    for run in runs:
        by_model.setdefault(run["model"], []).append(run)
    gains = {
        label: np.mean([ndcg_from_ranks(np.array(r["test_ranks"])) for r in group], axis=0)
        for label, group in by_model.items()
    }
    rows = []
    for label, group in by_model.items():
        row: dict[str, Any] = {"model": label, "runs": len(group)}
        for key in (
            "val_ndcg_at_10",
            "val_recall_at_10",
            "ndcg_at_10",
            "recall_at_10",
            "training_time_seconds",
            "cpu_seconds",
            "epochs_trained",
            "best_epoch",
        ):
            values = np.array([r.get(key, r["metrics"].get(key)) for r in group], dtype=float)
            row[key] = float(values.mean())
            row[f"{key}_sd"] = float(values.std(ddof=1)) if len(values) > 1 else 0.0
        if REFERENCE in gains and label != REFERENCE:
            row["ci_vs_ease"] = paired_bootstrap(gains[label], gains[REFERENCE])
        rows.append(row)
    return rows


def table(rows: list[dict], markdown: bool) -> str:
    ref = {r["model"]: r["ndcg_at_10"] for r in rows}
    header = [
        "model",
        "runs",
        "val NDCG@10",
        "val Recall@10",
        "test NDCG@10",
        "test Recall@10",
        "× EASE",
        "× popularity",
        "test NDCG@10 − EASE (95% CI)",
        "train s",
        "CPU s",
        "epochs",
    ]
    lines = [header]
    for r in rows:
        ci = r.get("ci_vs_ease")
        lines.append(
            [
                r["model"],
                str(r["runs"]),
                *(
                    f"{r[k]:.4f} ± {r[k + '_sd']:.4f}"
                    for k in ("val_ndcg_at_10", "val_recall_at_10", "ndcg_at_10", "recall_at_10")
                ),
                f"{r['ndcg_at_10'] / ref[REFERENCE]:.2f}" if REFERENCE in ref else "-",
                f"{r['ndcg_at_10'] / ref['popularity']:.2f}" if "popularity" in ref else "-",
                f"{r['ndcg_at_10'] - ref[REFERENCE]:+.4f} [{ci[0]:+.4f}, {ci[1]:+.4f}]"
                if ci
                else "-",
                f"{r['training_time_seconds']:.0f} ± {r['training_time_seconds_sd']:.0f}",
                f"{r['cpu_seconds']:.0f} ± {r['cpu_seconds_sd']:.0f}",
                f"{r['epochs_trained']:.0f}",
            ]
        )
    if markdown:
        text = ["| " + " | ".join(row) + " |" for row in lines]
        text.insert(1, "|" + "|".join("---" for _ in header) + "|")
        return "\n".join(text)
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    text = [
        "  ".join(
            c.rjust(w) if i else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in lines
    ]
    text.insert(1, "-" * len(text[0]))
    return "\n".join(text)


def add_run_arguments(parser: argparse.ArgumentParser, out: Path, threads: int) -> None:
    """The options this bench and sweep_models.py share: how many runs at once and the cores
    of each, where results go, and data already processed."""
    parser.add_argument("--jobs", type=int, default=1, help="runs at once (each pinned)")
    parser.add_argument("--threads", type=int, default=threads, help="cores per run")
    parser.add_argument("--out", type=Path, default=out)
    parser.add_argument(
        "--processed",
        type=Path,
        default=None,
        help="already processed data (default: prepare configs/data.yaml)",
    )


def processed_data(args: argparse.Namespace) -> Path:
    """``--processed``, or ML-100k prepared under ``--out`` (which this creates)."""
    args.out.mkdir(parents=True, exist_ok=True)
    if args.processed is not None:
        return args.processed
    print(f"== preparing ML-100k into {args.out / 'processed'}", flush=True)
    return prepare(args.out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=Path, default=ROOT / "configs")
    parser.add_argument(
        "--overrides",
        type=Path,
        default=None,
        help="a folder of partial configs merged over --configs (configs/demo)",
    )
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--seeds", type=int, nargs="+", default=[42, 43, 44])
    add_run_arguments(parser, ROOT / "bench-results", threads=2)
    parser.add_argument("--fresh", action="store_true", help="retrain runs already cached")
    args = parser.parse_args(argv)
    if args.fresh:
        for cache in (args.out / "models").glob("*/bench-run.json"):
            cache.unlink()
    processed = processed_data(args)
    jobs = []
    for label in args.models:
        filename, seeded = MODELS[label][2], MODELS[label][3]
        raw = raw_config(args.configs, filename, args.overrides)
        for seed in args.seeds if seeded else [None]:
            out = args.out / "models" / f"{label}-{seed if seed is not None else 'fixed'}"
            jobs.append((label, raw, seed, str(processed), str(out)))
    print(f"== {len(jobs)} runs, {args.jobs} at a time", flush=True)
    log = args.out / "runs.jsonl"
    log.unlink(missing_ok=True)
    runs = run_jobs(jobs, args.jobs, args.threads, log)
    rows = summarise(runs)
    settings = f"configs {args.configs.name}" + (
        f" + overrides {args.overrides}" if args.overrides else ""
    )
    parallel = (
        f"{args.jobs} runs at once, {args.threads} cores each"
        if args.jobs > 1
        else "one run at a time"
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    report = (
        f"ML-100k, leave-one-out (ties in source order), full ranking, seen items "
        f"excluded; {settings}; seeds {args.seeds}; {parallel}; {os.cpu_count()} CPUs, "
        f"load average at the end {load}; {time.strftime('%Y-%m-%d %H:%M:%S')}\n\n"
        f"{table(rows, markdown=False)}\n"
    )
    print("\n" + report)
    (args.out / "bench_models.txt").write_text(report)
    (args.out / "bench_models.md").write_text(table(rows, markdown=True) + "\n")
    (args.out / "bench_models.json").write_text(
        json.dumps(
            {
                "rows": rows,
                "runs": [{k: v for k, v in r.items() if k != "test_ranks"} for r in runs],
            },
            indent=2,
        )
        + "\n"
    )
    print(f"saved to {args.out / 'bench_models.txt'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
