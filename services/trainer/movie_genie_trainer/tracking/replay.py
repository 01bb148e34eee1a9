"""Send a saved tracking outbox to MLflow, exactly once.

    python -m movie_genie_trainer.tracking.replay models/two_tower/tracking-outbox.json
    make replay OUTBOX=models/two_tower/tracking-outbox.json

A training stage writes ``tracking-outbox.json`` next to its outputs when MLflow did not take
everything (an outage, Ctrl-C). This sends each kept step in order, retrying transient errors,
and checks the server before every step, so a step that had landed is not sent twice; once all
is sent the file becomes ``tracking-outbox.sent.json``. Running it again changes nothing.
The server is the outbox's own unless ``--tracking-uri`` or ``MLFLOW_TRACKING_URI`` says
otherwise.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_exponential

from . import configure_mlflow_env
from .run_writer import RunWriter, describe
from .sender import is_transient, short_error
from .settings import load_settings

SENT_SUFFIX = ".sent.json"


def sent_path(outbox: Path) -> Path:
    return outbox.with_name(outbox.name.removesuffix(".json") + SENT_SUFFIX)


def replay(
    outbox: Path,
    tracking_uri: str | None = None,
    patience: float = 60.0,
    settle_seconds: float = 20.0,
) -> int:
    """Send every step kept in ``outbox``; return how many were sent."""
    saved = json.loads(outbox.read_text())
    uri = tracking_uri or saved["tracking_uri"]
    writer = RunWriter(
        uri,
        saved["experiment"],
        saved["run_key"],
        outbox.parent,
        run_id=saved.get("run_id"),
        settle_seconds=settle_seconds,
    )
    for record in saved["pending"]:
        for attempt in Retrying(
            retry=retry_if_exception(is_transient),
            reraise=True,
            stop=stop_after_delay(patience),
            wait=wait_exponential(multiplier=0.5, max=10),
        ):
            with attempt:
                writer.apply(record, retrying=True)
        print(f"replay: {describe(record)}: sent", flush=True)
    outbox.rename(sent_path(outbox))
    print(
        f"replay: run {writer.run_id} is complete on {uri}; {outbox} -> {sent_path(outbox).name}",
        flush=True,
    )
    return len(saved["pending"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outbox", type=Path)
    parser.add_argument("--tracking-uri", default=os.environ.get("MLFLOW_TRACKING_URI"))
    parser.add_argument(
        "--patience",
        type=float,
        default=60.0,
        help="seconds to keep retrying one step while MLflow does not answer",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not args.outbox.exists():
        if sent_path(args.outbox).exists():
            print(
                f"replay: nothing to send: {args.outbox} was sent already "
                f"({sent_path(args.outbox).name})"
            )
            return 0
        print(f"replay: no outbox at {args.outbox}", file=sys.stderr)
        return 2
    uri = args.tracking_uri or json.loads(args.outbox.read_text())["tracking_uri"]
    settings = load_settings().model_copy(update={"tracking_uri": uri})
    configure_mlflow_env(settings)
    try:
        replay(args.outbox, uri, args.patience, 2 * settings.retry.request_timeout_seconds)
    except Exception as error:  # noqa: BLE001 - one clear line; the outbox stays for next time
        print(
            f"replay: stopped, {args.outbox} kept for another try: {short_error(error)}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
