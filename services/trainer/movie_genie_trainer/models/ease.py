"""EASE: Steck, "Embarrassingly Shallow Autoencoders for Sparse Data" (WWW 2019).

An item-item weight matrix B with a zero diagonal that best reconstructs the user-item matrix X
under an L2 penalty λ: B = I - P / diag(P) with P = (XᵀX + λI)⁻¹, in closed form. A user's
scores are their multi-hot history times B. The inverse is dense (N×N), so the catalogue size
is capped (``model.max_items``); past it the model refuses with a message naming the limit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn


class CatalogueTooLarge(ValueError):
    """The catalogue is too large for EASE's dense item-item inverse."""


def gram_matrix(histories: Sequence[np.ndarray], num_items: int, chunk: int = 1024) -> torch.Tensor:
    """XᵀX over item indices 0..N (row/column 0 is padding, left zero), float64 [N+1, N+1]."""
    gram = torch.zeros(num_items + 1, num_items + 1, dtype=torch.float64)
    for start in range(0, len(histories), chunk):
        rows = histories[start : start + chunk]
        x = torch.zeros(len(rows), num_items + 1, dtype=torch.float64)
        for row, items in enumerate(rows):
            x[row, torch.from_numpy(np.array(items, dtype=np.int64))] = 1.0
        x[:, 0] = 0.0
        gram += x.T @ x
    return gram


def ease_weights(gram: torch.Tensor, l2: float) -> torch.Tensor:
    """The closed-form EASE solution for a Gram matrix whose row/column 0 is padding."""
    inner = gram[1:, 1:] + l2 * torch.eye(gram.shape[0] - 1, dtype=gram.dtype)
    precision = torch.linalg.inv(inner)
    weights = -precision / torch.diagonal(precision)[None, :]
    weights.fill_diagonal_(0.0)
    full = torch.zeros_like(gram)
    full[1:, 1:] = weights
    return full


def reconstruction_error(gram: torch.Tensor, weights: torch.Tensor) -> float:
    """‖X − XB‖²_F, from the Gram matrix alone: trace((I − B)ᵀ XᵀX (I − B))."""
    residual = torch.eye(gram.shape[0], dtype=gram.dtype) - weights.to(gram.dtype)
    return float(((gram @ residual) * residual).sum())


class EASE(nn.Module):
    def __init__(self, weights: torch.Tensor, history_length: int):
        super().__init__()
        self.history_length = history_length  # the whole history is the input
        self.register_buffer("weights", weights.float())

    @classmethod
    def fit(
        cls,
        histories: Sequence[np.ndarray],
        num_items: int,
        l2: float,
        max_items: int,
        history_length: int,
        gram: torch.Tensor | None = None,
    ) -> EASE:
        check_catalogue(num_items, max_items)
        gram = gram_matrix(histories, num_items) if gram is None else gram
        return cls(ease_weights(gram, l2), history_length)

    def full_sort_predict(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        history = batch["history"]
        x = torch.zeros(history.shape[0], self.weights.shape[0], device=history.device)
        x.scatter_(1, history, 1.0)
        x[:, 0] = 0.0
        return x @ self.weights

    def forward(self, history: torch.Tensor) -> torch.Tensor:
        return self.full_sort_predict({"history": history})


def check_catalogue(num_items: int, max_items: int) -> None:
    if num_items > max_items:
        raise CatalogueTooLarge(
            f"EASE needs a dense {num_items}×{num_items} inverse; the catalogue has {num_items} "
            f"items, over the limit model.max_items={max_items} (raise it only with memory for "
            f"about {8 * num_items**2 / 2**30:.1f} GiB)"
        )
