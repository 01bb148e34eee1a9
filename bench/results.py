"""How every benchmark ends: its targets printed PASS or FAIL, its figures written to
bench-results/<name>.json, and exit status 1 when a target was missed."""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "bench-results"


def finish(name: str, checks: dict[str, bool], figures: dict) -> int:
    for target, passed in checks.items():
        print(f"  [{'PASS' if passed else 'FAIL'}] {target}")
    OUT.mkdir(exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps({**figures, "checks": checks}, indent=2) + "\n")
    return 0 if all(checks.values()) else 1
