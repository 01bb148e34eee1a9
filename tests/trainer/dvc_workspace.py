"""A throwaway copy of the pipeline (dvc.yaml, configs with the smoke ones on top, trainer code)
in its own git + DVC repository, and a way to run ``dvc`` there against a tracking server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
TRAINER = Path("services/trainer/movie_genie_trainer")


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def make_workspace(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name in ("dvc.yaml", ".dvcignore", ".gitignore"):
        shutil.copy(REPO / name, root / name)
    (root / "configs").mkdir()
    for config in (REPO / "configs").glob("*.yaml"):
        shutil.copy(config, root / "configs" / config.name)
    for config in (REPO / "configs" / "smoke").glob("*.yaml"):
        shutil.copy(config, root / "configs" / config.name)
    shutil.copytree(
        REPO / TRAINER, root / TRAINER, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "pipeline")
    subprocess.run([str(VENV_BIN / "dvc"), "init", "-q"], cwd=root, check=True, capture_output=True)
    git(root, "commit", "-q", "-m", "dvc init")
    return root


def dvc_env(tracking_uri: str | None, experiment: str, root: Path) -> dict[str, str]:
    """What `make train-local` gives DVC: the venv first on PATH, the workspace's trainer code."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MLFLOW_", "AWS_", "DVC_", "MOVIE_GENIE_"))
    }
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(root / "services" / "trainer")
    env["MLFLOW_EXPERIMENT_NAME"] = experiment
    env["DVC_NO_ANALYTICS"] = "1"
    if tracking_uri:
        env["MLFLOW_TRACKING_URI"] = tracking_uri
    return env


def dvc(
    root: Path, env: dict[str, str], *args: str, timeout: float = 600, check: bool = True
) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(VENV_BIN / "dvc"), *args],
        cwd=root,
        env=env,
        text=True,
        capture_output=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"dvc {' '.join(args)} exited {result.returncode}:\n"
            f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
    return result
