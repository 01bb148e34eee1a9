"""Two-tower retrieval model.

Follows the two-tower design of Covington et al., "Deep Neural Networks for YouTube
Recommendations" (RecSys 2016) and Yi et al., "Sampling-Bias-Corrected Neural Modeling for Large
Corpus Item Recommendations" (RecSys 2019) for in-batch negatives with a logQ correction.

- item tower: item-id embedding + mean of its genre embeddings;
- user tower: user-id embedding and/or causal self-attention over the most recent history
  (item-tower vectors + positions), read at each position, so one pass over a sequence trains
  on every next-item step;
- score = dot product; the loss is a softmax over the full catalogue, or over the batch's
  target items minus log item frequency (in-batch negatives with popularity correction).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from movie_genie_trainer.config import TwoTowerModelConfig
from movie_genie_trainer.models.layers import TransformerBlock, attention_mask


class TwoTower(nn.Module):
    def __init__(self, config: TwoTowerModelConfig, num_users: int, num_items: int,
                 item_genres: torch.Tensor, item_counts: torch.Tensor):
        super().__init__()
        dim = config.embedding_dim
        self.config = config
        self.history_length = config.max_history
        self.item_embedding = nn.Embedding(num_items + 1, dim, padding_idx=0)
        self.register_buffer("item_genres", item_genres.clone())
        self.genre_embedding = nn.Embedding(int(item_genres.max()) + 1, dim, padding_idx=0)
        self.user_embedding = nn.Embedding(num_users, dim) if config.use_user_id else None
        if config.use_history:
            self.position_embedding = nn.Embedding(config.max_history, dim)
            self.blocks = nn.ModuleList(TransformerBlock(dim, config.num_heads, config.dropout)
                                        for _ in range(config.num_layers))
            self.norm = nn.LayerNorm(dim)
            self.drop = nn.Dropout(config.dropout)
        # log of each item's share of training interactions, for the in-batch logQ correction
        frequency = (item_counts.double() + 1.0) / (item_counts.double() + 1.0).sum()
        self.register_buffer("log_frequency", frequency.log().float())
        nn.init.normal_(self.item_embedding.weight, std=0.02)
        nn.init.normal_(self.genre_embedding.weight, std=0.02)

    def item_vectors(self) -> torch.Tensor:
        """Item tower output for the whole catalogue, [N+1, D]."""
        vectors = self.item_embedding.weight
        if self.config.use_genres:
            genres = self.item_genres
            summed = self.genre_embedding(genres).sum(dim=1)
            vectors = vectors + summed / (genres > 0).sum(dim=1, keepdim=True).clamp(min=1)
        return vectors

    def user_states(self, history: torch.Tensor, users: torch.Tensor | None,
                    items: torch.Tensor) -> torch.Tensor:
        """User tower after each history position, [B, L, D]."""
        history = history[:, -self.history_length:]
        if self.config.use_history:
            positions = torch.arange(history.shape[1], device=history.device)
            x = self.drop(items[history] + self.position_embedding(positions))
            mask = attention_mask(history, causal=True)
            for block in self.blocks:
                x = block(x, mask)
            states = self.norm(x)
        else:
            states = torch.zeros(*history.shape, items.shape[1], device=history.device)
        if self.user_embedding is not None:
            if users is None:
                raise ValueError("this two-tower model uses user ids: pass batch['users']")
            states = states + self.user_embedding(users)[:, None, :]
        return states

    def calculate_loss(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """batch: ``history`` [B, L] inputs, ``target`` [B, L] next items (0 = no target)."""
        items = self.item_vectors()
        states = self.user_states(batch["history"], batch.get("users"), items)
        valid = batch["target"] > 0
        users, targets = states[valid], batch["target"][valid]
        if self.config.loss == "full_softmax":
            logits = users @ items.T
            logits[:, 0] = float("-inf")
            return F.cross_entropy(logits, targets)
        candidates, labels = torch.unique(targets, return_inverse=True)
        logits = users @ items[candidates].T - self.log_frequency[candidates]
        return F.cross_entropy(logits, labels)

    def full_sort_predict(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        items = self.item_vectors()
        return self.user_states(batch["history"], batch.get("users"), items)[:, -1] @ items.T

    def forward(self, history: torch.Tensor, users: torch.Tensor | None = None) -> torch.Tensor:
        return self.full_sort_predict({"history": history, "users": users})
