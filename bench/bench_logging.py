"""Logging overhead of MLflow tracking on a training stage (issue 4, must-show 4).

    .venv/bin/python bench/bench_logging.py      # or: make bench

Prepares ML-100k (configs/data.yaml), then runs the two-tower training stage exactly as DVC
does (`python -m movie_genie_trainer.train_two_tower ...` with configs/two_tower.yaml, a fresh
process each time) with tracking off and on, alternating, against a local tracking server in
the production shape (Postgres + an S3 endpoint, artifacts proxied). Prints each wall time and
the ratio of the medians, on / off; the target is at most 1.05. Tracking "on" includes all the
stage does for MLflow: the run, params, one batch per epoch, artifacts, the logged model and its
registration. Most of that cost is fixed per run (importing MLflow, logging the model), so the
seconds added are printed too: a shorter stage (BENCH_EPOCHS) shows a higher ratio.

Environment: BENCH_EPOCHS (default: the config's epochs), BENCH_REPEATS (default 3).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.harness.mlflow_server import CLIENT_SECRETS, MlflowServer  # noqa: E402
from tests.harness.postgres import PostgresCluster  # noqa: E402
from tests.harness.s3 import S3Endpoint  # noqa: E402

EPOCHS = int(os.environ["BENCH_EPOCHS"]) if os.environ.get("BENCH_EPOCHS") else None
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))


def stage_env(tracking_uri: str | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MLFLOW_") and k not in CLIENT_SECRETS
    }
    env["MOVIE_GENIE_MLFLOW_CONFIG"] = str(ROOT / "configs" / "mlflow.yaml")
    if tracking_uri:
        env.update(MLFLOW_TRACKING_URI=tracking_uri, MLFLOW_EXPERIMENT_NAME="bench-logging")
    return env


def run_stage(work: Path, config: Path, data: Path, tracking_uri: str | None, index: int) -> float:
    out = work / f"models-{'on' if tracking_uri else 'off'}-{index}"
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "movie_genie_trainer.train_two_tower",
            "--config",
            str(config),
            "--data",
            str(data),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=stage_env(tracking_uri),
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-logging-") as tmp:
        work = Path(tmp)
        data = work / "processed"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "movie_genie_trainer.prepare",
                "--config",
                str(ROOT / "configs" / "data.yaml"),
                "--out",
                str(data),
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        config = yaml.safe_load((ROOT / "configs" / "two_tower.yaml").read_text())
        if EPOCHS:
            config["training"].update(epochs=EPOCHS, early_stopping_patience=EPOCHS)
        config_path = work / "two_tower.yaml"
        config_path.write_text(yaml.safe_dump(config))

        postgres = PostgresCluster().init()
        s3 = S3Endpoint(work / "s3").start()
        server = MlflowServer(
            work / "mlflow",
            backend_uri=postgres.uri,
            artifacts_destination=f"s3://{s3.bucket}/bench",
            env=s3.server_env(),
        )
        try:
            server.start()
            run_stage(work, config_path, data, None, -1)  # warm the page cache and imports
            times: dict[str, list[float]] = {"off": [], "on": []}
            for index in range(REPEATS):
                times["off"].append(run_stage(work, config_path, data, None, index))
                times["on"].append(run_stage(work, config_path, data, server.url, index))
        finally:
            server.stop()
            s3.stop()
            postgres.destroy()
    off, on = statistics.median(times["off"]), statistics.median(times["on"])
    ratio = on / off
    epochs = EPOCHS or f"up to {config['training']['epochs']}"
    print(
        f"two-tower training stage, ML-100k, {epochs} epochs, {REPEATS} runs each "
        "(tracking server: Postgres + S3, artifacts proxied)"
    )
    print(f"  tracking off: {', '.join(f'{t:.2f}' for t in times['off'])} s  (median {off:.2f})")
    print(f"  tracking on:  {', '.join(f'{t:.2f}' for t in times['on'])} s  (median {on:.2f})")
    verdict = "ok" if ratio <= 1.05 else "ABOVE TARGET"
    print(
        f"  tracking adds {on - off:.2f} s per stage; "
        f"overhead ratio on/off: {ratio:.3f}  (target <= 1.05: {verdict})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
