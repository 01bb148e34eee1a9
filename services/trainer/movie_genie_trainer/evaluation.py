"""The one evaluation protocol every model is scored with (SYSTEM.md, "Evaluation protocol").

Leave-one-out, full ranking: each user's held-out item is ranked against the whole catalogue,
excluding items the user has already seen. The model's input for a split is only what the user
saw before its target (validation: the training items; test: training items + the validation
item), so no held-out item ever reaches a model as input before it is predicted. Ties in
score are broken by item index (lower first), so a model that scores everything equally ranks
deterministically. With one target per user, Recall@K is the hit rate and NDCG@K =
1 / log2(rank + 2) for a 0-based rank below K, else 0.
Coverage@K is the share of the catalogue that appears in at least one user's top-K.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F

from movie_genie_trainer.data.dataset import SequenceData, pad_left


class RankingAccumulator:
    """Collects per-user ranks and top-K lists over batches, then reports the metrics."""

    def __init__(self, num_items: int, ks: Sequence[int]):
        self.num_items = num_items
        self.ks = sorted(ks)
        self.ranks: list[torch.Tensor] = []
        self.recommended = {k: torch.zeros(num_items + 1, dtype=torch.bool) for k in self.ks}

    def add(self, scores: torch.Tensor, targets: torch.Tensor, seen: torch.Tensor) -> None:
        """scores/seen: [B, N+1] (column 0 is padding); targets: [B] item indices."""
        scores = scores.detach().float().cpu().clone()
        seen = seen.cpu().clone()
        targets = targets.cpu()
        rows = torch.arange(len(targets))
        seen[rows, targets] = False  # the held-out item is always a candidate
        seen[:, 0] = True
        scores[seen] = -math.inf
        order = torch.sort(scores, dim=1, descending=True, stable=True).indices
        self.ranks.append((order == targets[:, None]).int().argmax(dim=1))
        kmax = min(self.ks[-1], scores.shape[1])
        top = order[:, :kmax]
        candidate = torch.isfinite(torch.gather(scores, 1, top))
        for k in self.ks:
            self.recommended[k][top[:, :k][candidate[:, :k]]] = True

    def user_ranks(self) -> np.ndarray:
        """Each user's 0-based rank of the held-out item, in user order (for paired tests)."""
        return torch.cat(self.ranks).numpy()

    def result(self) -> dict[str, float]:
        ranks = torch.cat(self.ranks).double()
        metrics: dict[str, float] = {}
        for k in self.ks:
            hit = ranks < k
            metrics[f"recall_at_{k}"] = hit.double().mean().item()
            gains = torch.where(hit, 1.0 / torch.log2(ranks + 2.0), torch.zeros_like(ranks))
            metrics[f"ndcg_at_{k}"] = gains.mean().item()
            metrics[f"coverage_at_{k}"] = self.recommended[k][1:].sum().item() / self.num_items
        return metrics


def seen_mask(histories: Sequence[np.ndarray], num_items: int) -> torch.Tensor:
    mask = torch.zeros(len(histories), num_items + 1, dtype=torch.bool)
    for row, items in enumerate(histories):
        mask[row, torch.tensor(np.asarray(items, dtype=np.int64))] = True
    return mask


def ndcg_from_ranks(ranks: np.ndarray, k: int = 10) -> np.ndarray:
    """Per-user NDCG@k from 0-based ranks of the single held-out item."""
    ranks = np.asarray(ranks, dtype=np.float64)
    return np.where(ranks < k, 1.0 / np.log2(ranks + 2.0), 0.0)


class Evaluation(NamedTuple):
    metrics: dict[str, float]  # full-ranking metrics plus ``loss``
    ranks: np.ndarray  # each user's 0-based rank of the held-out item


@torch.no_grad()
def evaluate(
    model: torch.nn.Module,
    data: SequenceData,
    split: str,
    ks: Sequence[int] = (10, 50, 100),
    batch_size: int = 256,
    device: torch.device | str = "cpu",
) -> Evaluation:
    """Full-ranking metrics on ``split`` ('val' or 'test') plus ``loss``: the mean cross-entropy
    of the held-out item under the model's unmasked scores over the catalogue; and the ranks."""
    was_training = model.training
    model.eval()
    histories, targets = data.history(split), torch.tensor(data.targets(split))
    length = getattr(model, "history_length", 1)
    accumulator = RankingAccumulator(data.num_items, ks)
    loss_sum = 0.0
    for start in range(0, data.num_users, batch_size):
        chunk = histories[start : start + batch_size]
        batch = {
            "users": torch.arange(start, start + len(chunk), device=device),
            "history": pad_left(chunk, length).to(device),
        }
        scores = model.full_sort_predict(batch).float().cpu()
        batch_targets = targets[start : start + len(chunk)]
        loss_sum += F.cross_entropy(scores[:, 1:], batch_targets - 1, reduction="sum").item()
        accumulator.add(scores, batch_targets, seen_mask(chunk, data.num_items))
    model.train(was_training)
    metrics = {**accumulator.result(), "loss": loss_sum / data.num_users}
    return Evaluation(metrics, accumulator.user_ranks())
