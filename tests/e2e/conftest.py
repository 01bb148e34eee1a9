"""`make demo` as a user runs it, on free ports and a fresh state directory."""

from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.frontend.build import build_is_fresh, build_lock
from tests.harness.process import ManagedProcess, free_port

REPO = Path(__file__).resolve().parents[2]


class Demo:
    def __init__(self, state: Path) -> None:
        self.state = state
        self.ports = {
            name: free_port()
            for name in ("MLFLOW_PORT", "METRICS_API_PORT", "RECOMMENDER_PORT", "WEB_PORT")
        }
        self.web = f"http://127.0.0.1:{self.ports['WEB_PORT']}"
        self.api = f"http://127.0.0.1:{self.ports['METRICS_API_PORT']}"
        self.mlflow = f"http://127.0.0.1:{self.ports['MLFLOW_PORT']}"
        self.runs = 0
        self.process: ManagedProcess | None = None

    def start(self, timeout: float = 600) -> str:
        """Run `make demo` until it reports ready; return what this start printed."""
        self.runs += 1
        log = self.state.parent / f"demo-{self.runs}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "METRICS_API_"))}
        # Smoke-sized models keep the suite fast; `make demo` itself uses configs/demo.
        env.update(
            {k: str(v) for k, v in self.ports.items()},
            DEMO_STATE_DIR=str(self.state),
            DEMO_CONFIG_DIR="configs/smoke",
        )
        self.process = ManagedProcess(
            "make demo", ["make", "--no-print-directory", "demo"], log, env=env, cwd=REPO
        )
        (self.state / "READY").unlink(missing_ok=True)  # left by an earlier start

        def ready() -> bool:  # the marker, and the banner through honcho's output
            printed = log.read_text("utf-8", "replace") if log.exists() else ""
            return (self.state / "READY").exists() and "demo: ready" in printed

        with ExitStack() as building:  # `make demo` builds dist/ when stale: one builder at a time
            building.enter_context(build_lock())
            if build_is_fresh():
                building.close()
            self.process.start(ready, timeout=timeout)
        return log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    stack = Demo(tmp_path_factory.mktemp("demo") / "state")
    stack.first_output = stack.start()
    yield stack
    stack.stop()
