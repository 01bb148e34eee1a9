"""What the compose stage prints at its end: phase timings and measured figures.

Each line goes to stdout at once and, when scripts/compose-stage.sh set COMPOSE_STAGE_REPORT, to
that file as ``name<TAB>value`` so the stage can print one summary after its clean-up.
"""

from __future__ import annotations

import contextlib
import os
import time


def record(name: str, value: str) -> None:
    print(f"compose-stage: {name}: {value}", flush=True)
    path = os.environ.get("COMPOSE_STAGE_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as report:
            report.write(f"{name}\t{value}\n")


@contextlib.contextmanager
def phase(name: str):
    """Wall time of one phase of the stage, recorded as ``phase <name>`` in whole seconds."""
    started = time.monotonic()
    try:
        yield
    finally:
        record(f"phase {name}", f"{time.monotonic() - started:.0f} s")
