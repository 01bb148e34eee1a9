"""Generate the dashboard's API types from the metrics API's OpenAPI document, or check them.

    python scripts/api_types.py           # (re)write services/frontend/src/api/schema.d.ts
    python scripts/api_types.py --check   # exit 1 when the committed file has drifted (make lint)

The document comes from the API's own generator (metrics_api.openapi, the pydantic models the
views validate with), so no server is needed; openapi-typescript, pinned in the frontend's
package.json, turns it into TypeScript.
"""

from __future__ import annotations

import argparse
import difflib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from metrics_api.openapi import document

REPO = Path(__file__).resolve().parents[1]
FRONTEND = REPO / "services" / "frontend"
SCHEMA_TS = FRONTEND / "src" / "api" / "schema.d.ts"
GENERATOR = FRONTEND / "node_modules" / ".bin" / "openapi-typescript"
HEADER = (
    "// Generated from the metrics API's OpenAPI document by scripts/api_types.py: do not edit.\n"
    "// After changing the API's schemas (services/metrics-api/metrics_api/schemas.py and\n"
    "// openapi.py) run `make api-types` and commit the result: `make lint` fails until then.\n"
)


def to_typescript(*documents: dict) -> list[str]:
    """What each OpenAPI document turns into, from one openapi-typescript run (its start costs
    more than a conversion: the tests convert two documents at once)."""
    if not GENERATOR.exists():
        sys.exit(f"api_types: {GENERATOR} is missing (run scripts/bootstrap.sh node)")
    with tempfile.TemporaryDirectory() as tmp:
        folder, apis = Path(tmp), {}
        for i, doc in enumerate(documents):
            (folder / f"{i}.json").write_text(json.dumps(doc, indent=2))
            apis[f"api{i}"] = {"root": f"{i}.json", "x-openapi-ts": {"output": f"{i}.d.ts"}}
        # Several documents go through a Redocly config (JSON is YAML), with the ruleset a
        # single-file run uses.
        config = folder / "redocly.yaml"
        config.write_text(json.dumps({"extends": ["minimal"], "apis": apis}))
        subprocess.run(
            [str(GENERATOR), "--redocly", str(config), "--default-non-nullable=false"],
            check=True,
            capture_output=True,
            text=True,
            cwd=folder,
        )
        return [HEADER + (folder / f"{i}.d.ts").read_text() for i in range(len(documents))]


def report(fresh: str, committed: str) -> int:
    """--check's verdict on ``committed`` against ``fresh``: 0, or 1 with a diff and the fix."""
    if fresh == committed:
        print(f"api_types: {SCHEMA_TS.relative_to(REPO)} matches the API's OpenAPI document")
        return 0
    diff = difflib.unified_diff(
        committed.splitlines(keepends=True),
        fresh.splitlines(keepends=True),
        "committed/schema.d.ts",
        "from-api/schema.d.ts",
    )
    sys.stderr.writelines(list(diff)[:60])
    print(
        f"api_types: {SCHEMA_TS.relative_to(REPO)} has drifted from the API's OpenAPI document "
        "(diff above): run `make api-types` and commit the result",
        file=sys.stderr,
    )
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail on drift, write nothing")
    check = parser.parse_args(argv).check
    (fresh,) = to_typescript(document())
    if check:
        return report(fresh, SCHEMA_TS.read_text() if SCHEMA_TS.exists() else "")
    SCHEMA_TS.write_text(fresh)
    print(f"api_types: wrote {SCHEMA_TS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
