"""What every ``train_*`` command line shares: arguments, config loading, tracking callbacks."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from movie_genie_trainer.config import ConfigError, load_config
from movie_genie_trainer.data.dataset import SequenceData, load_processed
from movie_genie_trainer.training import RunResult, run_config


def train_main(
    argv: list[str] | None,
    *,
    model_name: str,
    config_cls: type,
    train: Callable[[Any, SequenceData, Path, list], RunResult],
    default_config: str | None = None,
    default_out: str | None = None,
) -> int:
    """The command line of ``train``: ``--config`` (default ``configs/<name>.yaml``), ``--data``
    and ``--out`` (default ``models/<name>``), ``<name>`` being the model name with ``_``."""
    slug = model_name.replace("-", "_")
    parser = argparse.ArgumentParser(description=f"Train the {model_name} recommender.")
    parser.add_argument("--config", default=default_config or f"configs/{slug}.yaml")
    parser.add_argument("--data", default="data/processed")
    parser.add_argument("--out", default=default_out or f"models/{slug}")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config, config_cls)
        data = load_processed(args.data)
    except (ConfigError, FileNotFoundError) as exc:
        print(f"{model_name}: {exc}", file=sys.stderr)
        return 2
    # Imported here so a config error never pays for (or depends on) the tracking stack.
    from movie_genie_trainer.tracking import callbacks_for
    from movie_genie_trainer.tracking.settings import TrackingConfigError, TrackingUnavailable

    try:
        callbacks = callbacks_for(model_name, run_config(data, config), Path(args.out))
    except TrackingConfigError as exc:
        print(f"{model_name}: {exc}", file=sys.stderr)
        return 2
    # SIGTERM (docker stop, a CI timeout) ends the run like Ctrl-C: the callbacks close it KILLED.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        result = train(config, data, Path(args.out), callbacks)
    except TrackingUnavailable as exc:  # trained and saved, but MLflow never took the run
        print(f"{model_name}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{model_name}: interrupted", file=sys.stderr, flush=True)
        sys.stdout.flush()
        # The run is closed KILLED (or its outbox written): skip the interpreter's teardown,
        # whose garbage collection over MLflow's modules takes seconds on a busy machine.
        os._exit(130)
    print(json.dumps(result.metrics))
    return 0
