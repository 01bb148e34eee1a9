"""One compose stack per stage: built, started, trained once, taken down (volumes too) at the end.

Run by scripts/compose-stage.sh (`make test-compose`, and `make test` where an engine can be had),
which provides the Docker engine, the base images and the torch wheel source.
"""

from __future__ import annotations

import pytest

from tests.compose.stack import ComposeStack


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    stack = ComposeStack(tmp_path_factory.mktemp("compose-checkout"))
    stack.prepare()
    try:
        try:
            stack.compose("--profile", "train", "build", timeout=2400)
            stack.compose("up", "-d", "--wait", timeout=900)
            stack.run("make", "--no-print-directory", "train", timeout=1800)
        except Exception:
            print(stack.compose("logs", "--tail", "60").stdout)
            raise
        yield stack
    finally:
        print(stack.compose("ps", "-a").stdout)
        stack.compose("--profile", "train", "down", "--volumes", "--remove-orphans")
