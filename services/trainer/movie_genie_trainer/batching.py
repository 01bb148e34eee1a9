"""Per-epoch training batches for the sequence models, drawn from a seeded generator.

Both models train on the whole of every user's training history each epoch: the two-tower
model on every (recent history → next item) step, BERT4Rec on overlapping windows that tile
the sequence from its end. Nothing here reads the validation or test items.
"""

from __future__ import annotations

import numpy as np
import torch


def padded_rows(sequences: list[np.ndarray], pad: int) -> tuple[np.ndarray, np.ndarray]:
    """All sequences in one flat array, each preceded by ``pad`` zeros; returns the array and
    each sequence's offset, so ``flat[offset + end : offset + end + pad]`` is the ``pad``
    items before position ``end`` (left-padded)."""
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths + pad)[:-1]])
    flat = np.zeros(int((lengths + pad).sum()), dtype=np.int64)
    for offset, seq in zip(offsets, sequences, strict=True):
        flat[offset + pad : offset + pad + len(seq)] = seq
    return flat, offsets


class NextItemExamples:
    """Every next-item step of every user: the ``length`` items before position t (t ≥ 1) →
    item t. Shuffled into batches of ``batch_size`` each epoch."""

    def __init__(self, sequences: list[np.ndarray], length: int):
        flat, offsets = padded_rows(sequences, length)
        users = np.concatenate([np.full(max(0, len(s) - 1), u) for u, s in enumerate(sequences)])
        ends = np.concatenate([np.arange(1, len(s)) for s in sequences])
        starts = offsets[users] + ends  # flat index of the window's first (padded) slot
        self.users = users.astype(np.int64)
        self.history = flat[starts[:, None] + np.arange(length)]
        self.target = flat[starts + length]

    def __len__(self) -> int:
        return len(self.target)

    def batches(self, batch_size: int, rng: np.random.Generator) -> list[dict[str, torch.Tensor]]:
        order = rng.permutation(len(self))
        return [
            {
                "users": torch.from_numpy(self.users[idx]),
                "history": torch.from_numpy(self.history[idx]),
                "target": torch.from_numpy(self.target[idx]),
            }
            for idx in (order[i : i + batch_size] for i in range(0, len(order), batch_size))
        ]


def tiling_windows(
    sequences: list[np.ndarray], length: int, stride: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Windows of up to ``length`` items covering every user's whole sequence: one ending at the
    latest item (the end the model predicts from at test time), then ends every ``stride`` items
    further back from a random offset, while at least two items remain. Returns (users,
    windows [W, length], left-padded)."""
    flat, offsets = padded_rows(sequences, length)
    users, ends = [], []
    for user, seq in enumerate(sequences):
        n = len(seq)
        more = np.arange(n - int(rng.integers(1, stride + 1)), 1, -stride)
        # a window ending at e covers items e-length..e-1; keep those that reach new items
        more = more[more > 1]
        user_ends = np.concatenate([[n], more])
        users.append(np.full(len(user_ends), user))
        ends.append(user_ends)
    users_arr, ends_arr = np.concatenate(users), np.concatenate(ends)
    starts = offsets[users_arr] + ends_arr  # window = flat[start : start + length]
    return users_arr.astype(np.int64), flat[starts[:, None] + np.arange(length)]


def shuffled_chunks(count: int, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    order = rng.permutation(count)
    return [order[i : i + batch_size] for i in range(0, count, batch_size)]
