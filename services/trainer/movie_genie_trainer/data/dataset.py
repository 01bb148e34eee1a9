"""The processed files as tensors: what training and evaluation read.

Item indices run 1..N with 0 as padding; histories are left-padded so the most recent item is
always in the last column.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import yaml

from movie_genie_trainer.config import DataConfig, parse_config


@dataclass
class SequenceData:
    num_users: int
    num_items: int
    train: list[np.ndarray]  # per user, training items in time order
    val_items: np.ndarray  # [U]
    test_items: np.ndarray  # [U]
    item_genres: torch.Tensor  # [N+1, G] genre ids (1-based, 0 pads); row 0 is padding
    num_genres: int
    stats: dict
    data_config: DataConfig
    item_ids: np.ndarray | None = None  # [N+1] MovieLens movie id of each item index (0: pad)
    _counts: np.ndarray | None = field(default=None, repr=False)

    def history(self, split: str) -> list[np.ndarray]:
        """What each user has seen before the ``split`` target (val: train; test: train + val)."""
        if split == "val":
            return self.train
        if split == "test":
            return [np.append(seq, v) for seq, v in zip(self.train, self.val_items, strict=True)]
        raise ValueError(f"unknown split {split!r}; expected 'val' or 'test'")

    def targets(self, split: str) -> np.ndarray:
        return {"val": self.val_items, "test": self.test_items}[split]

    def train_item_counts(self) -> np.ndarray:
        """Training interactions per item index, [N+1] (index 0 is padding, always 0)."""
        if self._counts is None:
            counts = np.bincount(np.concatenate(self.train), minlength=self.num_items + 1)
            self._counts = counts.astype(np.float64)
        return self._counts


def load_processed(folder: str | Path) -> SequenceData:
    folder = Path(folder)
    if not (folder / "stats.json").is_file():
        raise FileNotFoundError(f"{folder}: no processed data (run movie_genie_trainer.prepare)")
    split = pd.read_parquet(folder / "split.parquet").sort_values("user_idx")
    movies = pd.read_parquet(folder / "movies.parquet").sort_values("item_idx")
    stats = json.loads((folder / "stats.json").read_text())
    config_path = folder / "data_config.yaml"
    data_config = parse_config(
        yaml.safe_load(config_path.read_text()), DataConfig, str(config_path)
    )

    genre_names = sorted({g for gs in movies["genres"] for g in gs})
    genre_id = {g: i + 1 for i, g in enumerate(genre_names)}
    width = max(1, max(len(gs) for gs in movies["genres"]))
    genres = torch.zeros(len(movies) + 1, width, dtype=torch.long)
    for row, gs in zip(movies["item_idx"], movies["genres"], strict=True):
        ids = [genre_id[g] for g in gs]
        genres[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)

    return SequenceData(
        num_users=len(split),
        num_items=len(movies),
        train=[np.asarray(s, dtype=np.int64) for s in split["train_items"]],
        val_items=split["val_item"].to_numpy(np.int64, copy=True),
        test_items=split["test_item"].to_numpy(np.int64, copy=True),
        item_genres=genres,
        num_genres=len(genre_names),
        stats=stats,
        data_config=data_config,
        item_ids=np.concatenate([[0], movies["item_id"].to_numpy(np.int64)]),
    )


def pad_left(sequences: list[np.ndarray], length: int) -> torch.Tensor:
    """The last ``length`` items of each sequence, left-padded with 0 → LongTensor [B, length]."""
    out = np.zeros((len(sequences), length), dtype=np.int64)
    for row, seq in enumerate(sequences):
        tail = seq[-length:] if length else seq[:0]
        if len(tail):
            out[row, length - len(tail) :] = tail
    return torch.from_numpy(out)
