"""One compose stack per stage: built, started, trained once, taken down (volumes too) at the end.

Run by scripts/compose-stage.sh (`make test-compose`, and `make test` where an engine can be had),
which provides the Docker engine, the base images and the torch wheel source.
"""

from __future__ import annotations

import signal
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.compose.report import phase
from tests.compose.stack import ComposeStack


@pytest.fixture(scope="session", autouse=True)
def proxied_downloads_only():
    """MLflow advertises presigned downloads straight from the S3 service, whose address only the
    compose network knows: clients outside it download through the server (README says so)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_ENABLE_PROXY_MULTIPART_DOWNLOAD", "false")
        yield


def build_image(stack: ComposeStack, service: str) -> None:
    with phase(f"image of {service}, built alongside the others"):
        stack.compose("--profile", "train", "build", service, timeout=2400)


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    # SIGTERM (a CI timeout, Ctrl-C's cousin) unwinds so that the stack still comes down.
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    stack = ComposeStack(tmp_path_factory.mktemp("compose-checkout"))
    stack.prepare()
    try:
        try:
            # One `compose build` per image, side by side (compose without buildx builds one
            # image at a time); the stack comes up while the trainer, needed last, still builds.
            with ThreadPoolExecutor(len(stack.builders)) as pool:
                with phase("images but the trainer's, all built side by side"):
                    builds = {
                        name: pool.submit(build_image, stack, name) for name in stack.builders
                    }
                    for name, build in builds.items():
                        if name != "trainer":
                            build.result()
                with phase("up --wait"):
                    stack.compose("up", "-d", "--wait", timeout=900)
                with phase("trainer image, rest of its build"):
                    builds["trainer"].result()
            with phase("make train"):
                train = stack.run("make", "--no-print-directory", "train", timeout=1800)
            print(train.stdout[-4000:], train.stderr[-4000:], sep="\n")
        except Exception:
            print(stack.compose("logs", "--tail", "60").stdout)
            raise
        yield stack
    finally:
        print(stack.compose("ps", "-a").stdout)
        with phase("down --volumes"):
            stack.compose("--profile", "train", "down", "--volumes", "--remove-orphans")
