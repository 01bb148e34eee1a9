"""Prepare MovieLens for training: read the configured source, write the processed files.

python -m movie_genie_trainer.prepare --config configs/data.yaml --out data/processed
"""

from __future__ import annotations

import argparse
import json
import sys

from movie_genie_trainer.config import ConfigError, DataConfig, load_config
from movie_genie_trainer.data.grouplens import DatasetFormatError
from movie_genie_trainer.data.preprocess import write_processed
from movie_genie_trainer.data.sources import DownloadError, load_source


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="configs/data.yaml")
    parser.add_argument("--out", default="data/processed")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config, DataConfig)
        stats = write_processed(load_source(config.source), config, args.out)
    except (ConfigError, DatasetFormatError, DownloadError, ValueError) as exc:
        print(f"prepare: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
