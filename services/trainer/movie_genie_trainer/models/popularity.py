"""Popularity baseline: every user gets the catalogue ranked by training interaction count.

The standard non-personalised reference point in the literature (e.g. Cremonesi et al.,
"Performance of Recommender Algorithms on Top-N Recommendation Tasks", RecSys 2010).
"""

from __future__ import annotations

import torch
from torch import nn


class Popularity(nn.Module):
    history_length = 1  # ignores the history; the evaluator still excludes seen items

    def __init__(self, item_counts: torch.Tensor, smoothing: float = 1.0):
        super().__init__()
        counts = item_counts.double().clone()
        self.register_buffer("counts", counts.float())
        smoothed = counts + smoothing
        smoothed[0] = 0.0  # padding is never recommended
        self.register_buffer("log_probability", (smoothed / smoothed.sum()).log().float())

    def calculate_loss(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """Negative log-likelihood of ``batch['target']`` items under the popularity model."""
        return -self.log_probability[batch["target"]].mean()

    def full_sort_predict(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        return self.log_probability.expand(batch["history"].shape[0], -1)

    def forward(self, history: torch.Tensor) -> torch.Tensor:
        return self.full_sort_predict({"history": history})
