"""Top-K movies for histories of movie ids: the evaluation protocol's ranking, in movie ids.

A history is oldest first (the most recent movie last), as in training. The model sees its last
``history_length`` items, left-padded; every movie of the history is excluded from the answer,
and ties in score go to the lower item index, exactly as ``evaluation.RankingAccumulator``
ranks, so a preview's top-100 agrees with the logged Recall@100.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from movie_genie_trainer.data.dataset import pad_left

DEFAULT_K = 10


class BadRequest(ValueError):
    """The caller's input cannot be answered (unknown movie, bad k): a 4xx, not a crash."""


class Recommender:
    def __init__(self, model: torch.nn.Module, item_ids: Sequence[int] | None = None):
        self.model = model.eval()
        self.history_length = int(getattr(model, "history_length", 1))
        with torch.no_grad():  # the catalogue's size, from one padded row
            width = model.full_sort_predict({"history": torch.zeros(1, 1, dtype=torch.long)})
        self.num_items = int(width.shape[1]) - 1
        ids = list(item_ids) if item_ids is not None else list(range(self.num_items + 1))
        if len(ids) != self.num_items + 1:
            raise ValueError(
                f"the model scores {self.num_items} items but its item list names {len(ids) - 1}"
            )
        self.movie_ids = np.asarray(ids, dtype=np.int64)  # item index -> movie id
        self.index_of = {int(m): i for i, m in enumerate(ids) if i > 0}

    def indices(self, history: Sequence[Any]) -> np.ndarray:
        """Movie ids -> item indices; unknown ids are a ``BadRequest`` naming them."""
        try:
            movies = [int(m) for m in history]
        except (TypeError, ValueError):
            raise BadRequest(f"a history holds movie ids (integers), not {history!r}") from None
        unknown = sorted({m for m in movies if m not in self.index_of})
        if unknown:
            raise BadRequest(f"unknown movie id(s): {unknown[:20]}")
        return np.asarray([self.index_of[m] for m in movies], dtype=np.int64)

    @torch.no_grad()
    def top_k_indices(
        self, histories: Sequence[np.ndarray], k: int
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per history (item indices): the top-``k`` unseen item indices and their scores."""
        check_k(k)
        if not histories:
            return []
        try:
            scores = self.model.full_sort_predict(
                {"history": pad_left(list(histories), self.history_length)}
            )
        except ValueError as error:  # e.g. a two-tower that needs user ids
            raise BadRequest(f"this model cannot score a history alone: {error}") from None
        scores = scores.float().clone()
        scores[:, 0] = -math.inf
        for row, items in enumerate(histories):
            scores[row, torch.from_numpy(np.asarray(items, dtype=np.int64))] = -math.inf
        order = torch.sort(scores, dim=1, descending=True, stable=True).indices[:, :k]
        answers = []
        for row in range(len(histories)):
            top = order[row]
            values = scores[row, top]
            keep = torch.isfinite(values)  # fewer unseen movies than k: answer what there is
            answers.append((top[keep].numpy(), values[keep].double().numpy()))
        return answers

    def recommend(
        self, histories: Sequence[Sequence[Any]], k: int = DEFAULT_K
    ) -> list[tuple[list[int], list[float]]]:
        """Per history of movie ids: (top-``k`` movie ids, their scores), best first."""
        found = self.top_k_indices([self.indices(h) for h in histories], k)
        return [(self.movie_ids[top].tolist(), values.tolist()) for top, values in found]


def check_k(k: Any) -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise BadRequest(f"k must be a positive integer, not {k!r}")
    return int(k)
