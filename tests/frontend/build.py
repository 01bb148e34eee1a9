"""The production build of services/frontend, rebuilt only when a source is newer than dist/."""

from __future__ import annotations

import fcntl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FRONTEND = Path(__file__).resolve().parents[2] / "services" / "frontend"
DIST = FRONTEND / "dist"
SOURCES = (
    "src",
    "public",
    "index.html",
    "package.json",
    "package-lock.json",
    "vite.config.ts",
    "tsconfig.json",
)
# Derived from src/api/openapi.json at every `tsc` (`make lint` rewrites it): not a source.
GENERATED = FRONTEND / "src" / "api" / "schema.d.ts"


def newest_source_mtime() -> float:
    newest = 0.0
    for name in SOURCES:
        path = FRONTEND / name
        files = path.rglob("*") if path.is_dir() else [path]
        newest = max(
            [newest, *(f.stat().st_mtime for f in files if f.is_file() and f != GENERATED)]
        )
    return newest


def build_is_fresh() -> bool:
    index = DIST / "index.html"
    return index.exists() and index.stat().st_mtime >= newest_source_mtime()


@contextmanager
def build_lock() -> Iterator[None]:
    """Held by whoever may write dist/ (this build, or `make demo` in tests/e2e): the test
    workers of `make test-servers` run side by side and must not build into dist/ at once."""
    if not (FRONTEND / "node_modules").is_dir():
        raise RuntimeError("services/frontend/node_modules missing: run `make bootstrap` first")
    with open(FRONTEND / "node_modules" / ".tests-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def ensure_build(timeout: float = 300) -> Path:
    """`npm run build` (type check + Vite) unless dist/ is newer than every source file."""
    with build_lock():
        if not build_is_fresh():
            _build(timeout)
    return DIST


def _build(timeout: float) -> None:
    result = subprocess.run(
        ["npm", "run", "build"], cwd=FRONTEND, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        output = result.stdout[-3000:] + result.stderr[-3000:]
        raise RuntimeError(f"npm run build failed:\n{output}")
