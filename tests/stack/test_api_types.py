"""The dashboard's API types are generated from the API's OpenAPI document, and `make lint`
(scripts/api_types.py --check) fails when they drift from it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "api_types.py"
SCHEMA_TS = REPO / "services" / "frontend" / "src" / "api" / "schema.d.ts"
PACKAGE = REPO / "services" / "metrics-api" / "metrics_api"


def check(pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if pythonpath:  # ahead of the installed metrics_api
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, env=env
    )


def test_committed_api_types_match_the_openapi_document(capsys):
    """In this process (the API's package is imported already): the drift test below runs the
    command itself."""
    from scripts import api_types

    assert api_types.main(["--check"]) == 0, capsys.readouterr()
    assert "matches the API's OpenAPI document" in capsys.readouterr().out


def test_a_drift_in_the_api_schema_fails_the_check_and_says_how_to_fix_it(tmp_path):
    drifted = tmp_path / "metrics_api"
    shutil.copytree(PACKAGE, drifted, ignore=shutil.ignore_patterns("__pycache__"))
    schemas = drifted / "schemas.py"
    source = schemas.read_text()
    anchor = "class RunOut(BaseModel):\n    run_id: str\n"
    assert anchor in source
    # A new response field the dashboard's types do not know yet.
    schemas.write_text(source.replace(anchor, anchor + "    gpu_hours: float\n"))
    before = SCHEMA_TS.read_bytes()

    result = check(pythonpath=tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "has drifted from the API's OpenAPI document" in result.stderr
    assert "make api-types" in result.stderr
    assert "+            gpu_hours: number;" in result.stderr  # the diff names the change
    assert SCHEMA_TS.read_bytes() == before  # a check writes nothing
