"""The dashboard's API types are generated from the API's OpenAPI document, and `make lint`
(scripts/api_types.py --check) fails when they drift from it. One openapi-typescript run converts
both documents the tests need (the API's, and a drifted copy's): its start is most of the cost."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from metrics_api.openapi import document

from scripts import api_types

REPO = Path(__file__).resolve().parents[2]
SCHEMA_TS = REPO / "services" / "frontend" / "src" / "api" / "schema.d.ts"
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


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """(the API's types, the drifted API's types)."""
    return api_types.to_typescript(document(), drifted_document(tmp_path_factory.mktemp("api")))


def test_committed_api_types_match_the_openapi_document(generated, capsys):
    assert api_types.report(generated[0], SCHEMA_TS.read_text()) == 0, capsys.readouterr()
    assert "matches the API's OpenAPI document" in capsys.readouterr().out


def test_a_drift_in_the_api_schema_fails_the_check_and_says_how_to_fix_it(generated, capsys):
    before = SCHEMA_TS.read_bytes()

    assert api_types.report(generated[1], SCHEMA_TS.read_text()) == 1
    errors = capsys.readouterr().err
    assert "has drifted from the API's OpenAPI document" in errors
    assert "make api-types" in errors
    assert "+            gpu_hours: number;" in errors  # the diff names the change
    assert SCHEMA_TS.read_bytes() == before  # a check writes nothing
