"""Snapshot the metrics API's OpenAPI document for the dashboard, or check the snapshot.

    python scripts/api_types.py           # (re)write services/frontend/src/api/openapi.json
    python scripts/api_types.py --check   # exit 1 when the snapshot has drifted (make lint)

The document comes from the API's own generator (metrics_api.openapi, the pydantic models the
views validate with), so no server is needed. The dashboard's TypeScript types are not committed:
`npm run api-types` (openapi-typescript, pinned in the frontend's package.json) derives
src/api/schema.d.ts from this snapshot before every `tsc` (`npm run typecheck`, `npm run build`,
the image's build), so the types follow the snapshot and `tsc` fails where the dashboard does not.
"""

from __future__ import annotations

import argparse
import difflib
import json
import subprocess
import sys
from pathlib import Path

from metrics_api.openapi import document

REPO = Path(__file__).resolve().parents[1]
FRONTEND = REPO / "services" / "frontend"
SNAPSHOT = FRONTEND / "src" / "api" / "openapi.json"


def snapshot(doc: dict) -> str:
    """The committed form of a document: indented, so a change reads as a diff of its fields."""
    return json.dumps(doc, indent=2) + "\n"


def report(fresh: str, committed: str) -> int:
    """--check's verdict on ``committed`` against ``fresh``: 0, or 1 with a diff and the fix."""
    if fresh == committed:
        print(f"api_types: {SNAPSHOT.relative_to(REPO)} matches the API's OpenAPI document")
        return 0
    diff = difflib.unified_diff(
        committed.splitlines(keepends=True),
        fresh.splitlines(keepends=True),
        "committed/openapi.json",
        "from-api/openapi.json",
    )
    sys.stderr.writelines(list(diff)[:60])
    print(
        f"api_types: {SNAPSHOT.relative_to(REPO)} has drifted from the API's OpenAPI document "
        "(diff above): run `make api-types` and commit the result",
        file=sys.stderr,
    )
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail on drift, write nothing")
    check = parser.parse_args(argv).check
    fresh = snapshot(document())
    if check:
        return report(fresh, SNAPSHOT.read_text() if SNAPSHOT.exists() else "")
    SNAPSHOT.write_text(fresh)
    print(f"api_types: wrote {SNAPSHOT.relative_to(REPO)}")
    # The local types follow at once (tsc would regenerate them anyway).
    subprocess.run(["npm", "run", "--silent", "api-types"], cwd=FRONTEND, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
