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


def generate() -> str:
    """The TypeScript that the current API document turns into."""
    if not GENERATOR.exists():
        sys.exit(f"api_types: {GENERATOR} is missing (run scripts/bootstrap.sh node)")
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "openapi.json", Path(tmp) / "schema.d.ts"
        source.write_text(json.dumps(document(), indent=2))
        subprocess.run(
            [str(GENERATOR), str(source), "--output", str(target), "--default-non-nullable=false"],
            check=True,
            capture_output=True,
            text=True,
        )
        return HEADER + target.read_text()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail on drift, write nothing")
    check = parser.parse_args(argv).check
    fresh = generate()
    committed = SCHEMA_TS.read_text() if SCHEMA_TS.exists() else ""
    if not check:
        SCHEMA_TS.write_text(fresh)
        print(f"api_types: wrote {SCHEMA_TS.relative_to(REPO)}")
        return 0
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


if __name__ == "__main__":
    sys.exit(main())
