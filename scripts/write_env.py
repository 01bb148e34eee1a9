"""`make env`: write `.env` for docker compose with strong random secrets (never overwrites).

Every `change-me…` value of .env.example gets a fresh random one; the rest is copied as is. The
services refuse placeholder, empty and short secrets at start, so an unedited copy cannot run.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def render(example: str) -> str:
    lines = []
    for line in example.splitlines():
        name, sep, value = line.partition("=")
        if (
            sep
            and not line.lstrip().startswith("#")
            and value.strip().lower().startswith("change-me")
        ):
            line = f"{name}={secrets.token_urlsafe(24)}"  # URL-safe: it may sit in a DB URI
        lines.append(line)
    return "\n".join(lines) + "\n"


def main() -> int:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / ".env"
    if target.exists():
        print(
            f"write_env: {target} exists; not overwriting it (delete it first to start over)",
            file=sys.stderr,
        )
        return 1
    text = render((REPO / ".env.example").read_text())
    with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
        handle.write(text)
    print(
        f"write_env: wrote {target} with fresh secrets (mode 600); the admin signs in as "
        "MLFLOW_AUTH_ADMIN_USERNAME with MLFLOW_AUTH_ADMIN_PASSWORD"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
