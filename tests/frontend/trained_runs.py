"""Runs logged by the real trainer code: prepare the smoke data, then train each model's CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.harness.mlflow_server import CLIENT_SECRETS

REPO = Path(__file__).resolve().parents[2]
# model name -> (module, smoke config); the same command lines dvc.yaml runs.
TRAINERS = {
    "two-tower": ("movie_genie_trainer.train_two_tower", "configs/smoke/two_tower.yaml"),
    "bert4rec": ("movie_genie_trainer.train_bert4rec", "configs/smoke/bert4rec.yaml"),
    "popularity": ("movie_genie_trainer.train_popularity", "configs/smoke/baselines.yaml"),
}


def _check(process: subprocess.Popen, what: str, log: Path, timeout: float) -> None:
    if process.wait(timeout) != 0:
        raise RuntimeError(f"{what} exited with {process.returncode}:\n{log.read_text()[-3000:]}")


def train_smoke_runs(
    work: Path,
    tracking_uri: str,
    experiment: str,
    models: tuple[str, ...] = ("two-tower", "bert4rec", "popularity"),
    timeout: float = 240,
    client_env: dict[str, str] | None = None,
) -> None:
    """``client_env``: e.g. the trainer's MLflow account on a server with auth."""
    env = {k: v for k, v in os.environ.items() if k not in CLIENT_SECRETS}
    env.update(
        {
            "MLFLOW_TRACKING_URI": tracking_uri,
            "MLFLOW_EXPERIMENT_NAME": experiment,
            "OMP_NUM_THREADS": "1",
            **(client_env or {}),
        }
    )
    data = work / "data"
    log = work / "prepare.log"
    with open(log, "wb") as out:
        prepare = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "movie_genie_trainer.prepare",
                "--config",
                "configs/smoke/data.yaml",
                "--out",
                str(data),
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    _check(prepare, "prepare", log, timeout)
    # Two at a time: the machine has two cores.
    running = []
    for name in models:
        module, config = TRAINERS[name]
        log = work / f"train-{name}.log"
        with open(log, "wb") as out:
            running.append(
                (
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            module,
                            "--config",
                            config,
                            "--data",
                            str(data),
                            "--out",
                            str(work / name),
                        ],
                        cwd=REPO,
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    ),
                    name,
                    log,
                )
            )
        if len(running) == 2:
            _check(*_first(running), timeout=timeout)
    for process, name, log in running:
        _check(process, f"train {name}", log, timeout)


def _first(running: list) -> tuple[subprocess.Popen, str, Path]:
    process, name, log = running.pop(0)
    return process, f"train {name}", log
