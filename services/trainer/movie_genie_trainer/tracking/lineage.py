"""Where a run came from: git commit, DVC stage, and the processed data's hash as DVC records it."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import yaml


def git_commit(cwd: Path | None = None) -> tuple[str, bool]:
    """The HEAD commit and whether tracked files differ from it; ``unknown`` outside git."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown", False
    return commit, bool(dirty.strip())


def dvc_stage() -> str | None:
    """DVC sets ``DVC_STAGE`` to the stage's address for every command (dvc/stage/run.py)."""
    return os.environ.get("DVC_STAGE") or None


def data_version(processed_data: str, root: Path | None = None) -> str:
    """The hash DVC recorded for the processed data's output in dvc.lock, else one computed here."""
    root = Path(root or os.environ.get("DVC_ROOT") or ".")
    recorded = _recorded_hash(root / "dvc.lock", processed_data)
    if recorded:
        return recorded
    folder = root / processed_data
    return f"sha256:{_folder_hash(folder)}" if folder.exists() else "unknown"


def _recorded_hash(lock_file: Path, out_path: str) -> str | None:
    try:
        lock = yaml.safe_load(lock_file.read_text()) or {}
    except (OSError, yaml.YAMLError):
        return None
    wanted = out_path.rstrip("/")
    for stage in (lock.get("stages") or {}).values():
        for out in stage.get("outs") or []:
            if str(out.get("path", "")).rstrip("/") == wanted and out.get("md5"):
                return f"md5:{out['md5']}"
    return None


def _folder_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    files = [folder] if folder.is_file() else sorted(p for p in folder.rglob("*") if p.is_file())
    for path in files:
        digest.update(str(path.relative_to(folder.parent)).encode())
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()
