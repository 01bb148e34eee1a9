"""The dashboard's API types are generated from a committed snapshot of the API's OpenAPI
document (src/api/openapi.json; `tsc` checks the dashboard against them), and `make lint`
(scripts/api_types.py --check) fails when the snapshot drifts from the API."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from scripts import api_types

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT = REPO / "services" / "frontend" / "src" / "api" / "openapi.json"
PACKAGE = REPO / "services" / "metrics-api" / "metrics_api"
DOCUMENT = "import json; from metrics_api.openapi import document; print(json.dumps(document()))"


def drifted_document(folder: Path) -> dict:
    """The OpenAPI document of a copy of the API whose RunOut has a field the dashboard's types
    do not know yet, from its own process (the API's package is imported here already)."""
    drifted = folder / "metrics_api"
    shutil.copytree(PACKAGE, drifted, ignore=shutil.ignore_patterns("__pycache__"))
    schemas = drifted / "schemas.py"
    source = schemas.read_text()
    anchor = "class RunOut(BaseModel):\n    run_id: str\n"
    assert anchor in source
    schemas.write_text(source.replace(anchor, anchor + "    gpu_hours: float\n"))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")]),
    }
    printed = subprocess.run(
        [sys.executable, "-c", DOCUMENT], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(printed.stdout)


def test_committed_snapshot_matches_the_openapi_document(capsys):
    assert api_types.main(["--check"]) == 0, capsys.readouterr()
    assert "matches the API's OpenAPI document" in capsys.readouterr().out


def test_a_drift_in_the_api_schema_fails_the_check_and_says_how_to_fix_it(tmp_path, capsys):
    before = SNAPSHOT.read_bytes()
    drifted = api_types.snapshot(drifted_document(tmp_path))

    assert api_types.report(drifted, SNAPSHOT.read_text()) == 1
    errors = capsys.readouterr().err
    assert "has drifted from the API's OpenAPI document" in errors
    assert "make api-types" in errors
    assert '+          "gpu_hours": {' in errors  # the diff names the change
    assert SNAPSHOT.read_bytes() == before  # a check writes nothing
