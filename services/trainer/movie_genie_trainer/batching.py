"""Per-epoch training batches for the sequence models, drawn from a seeded generator."""

from __future__ import annotations

import numpy as np
import torch

from movie_genie_trainer.data.dataset import pad_left


def sample_windows(sequences: list[np.ndarray], length: int, rng: np.random.Generator,
                   random_window: bool) -> torch.Tensor:
    """One window of ``length`` consecutive items per user, left-padded → [U, length].
    Longer sequences give a random window each epoch (so every part of a long history is
    trained on), or their most recent items when ``random_window`` is false."""
    windows = []
    for seq in sequences:
        end = len(seq)
        if random_window and end > length:
            end = int(rng.integers(length, len(seq) + 1))
        windows.append(seq[max(0, end - length):end])
    return pad_left(windows, length)


def user_batches(num_users: int, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    order = rng.permutation(num_users)
    return [order[i:i + batch_size] for i in range(0, num_users, batch_size)]
