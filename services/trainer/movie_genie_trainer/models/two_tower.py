"""Two-tower retrieval model.

Follows the two-tower design of Covington et al., "Deep Neural Networks for YouTube
Recommendations" (RecSys 2016); the user tower pools the recent history with attention under a
learned query, as in the attention pooling of Zhou et al., "Deep Interest Network" (KDD 2018)
and Lee et al.'s Set Transformer PMA (ICML 2019).

- item tower: item-id embedding, plus the mean of its genre embeddings (``use_genres``);
- user tower: the item-tower vectors of the ``max_history`` most recent items plus recency
  (position) embeddings, optionally ``num_layers`` self-attention blocks, then multi-head
  attention pooling with a learned query, a feed-forward layer, and optionally a user-id
  embedding (``use_user_id``; serving then needs the user id);
- score = dot product; the loss is a softmax over the full catalogue, or over the batch's
  target items minus log item frequency (in-batch negatives with the logQ correction of Yi et
  al., RecSys 2019).

Every embedding starts at N(0, 0.02) with its padding row zero, so no input swamps another.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from movie_genie_trainer.config import TwoTowerModelConfig
from movie_genie_trainer.models.layers import TransformerBlock, attention_mask


def init_embedding(embedding: nn.Embedding) -> None:
    """N(0, 0.02), and the padding row (if any) back to zero after the draw."""
    nn.init.normal_(embedding.weight, std=0.02)
    if embedding.padding_idx is not None:
        with torch.no_grad():
            embedding.weight[embedding.padding_idx].zero_()


class AttentionPooling(nn.Module):
    """Multi-head attention of one learned query over a padded sequence → [B, D]."""

    def __init__(self, dim: int, heads: int):
        super().__init__()
        if dim % heads:
            raise ValueError(f"embedding dim {dim} is not divisible by {heads} heads")
        self.heads = heads
        self.query = nn.Parameter(torch.randn(heads, dim // heads) * 0.02)
        self.key, self.value = nn.Linear(dim, dim), nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
        batch, length, dim = x.shape
        keys = self.key(x).view(batch, length, self.heads, -1)
        values = self.value(x).view(batch, length, self.heads, -1)
        logits = (keys * self.query).sum(-1) / math.sqrt(dim // self.heads)  # [B, L, H]
        logits = logits.masked_fill(~real[:, :, None], float("-inf"))
        weights = torch.nan_to_num(logits.softmax(dim=1))  # an empty history pools to zero
        return (weights[..., None] * values).sum(dim=1).reshape(batch, dim)


class TwoTower(nn.Module):
    def __init__(
        self,
        config: TwoTowerModelConfig,
        num_users: int,
        num_items: int,
        item_genres: torch.Tensor,
        item_counts: torch.Tensor,
    ):
        super().__init__()
        dim = config.embedding_dim
        self.config = config
        self.history_length = config.max_history
        self.item_embedding = nn.Embedding(num_items + 1, dim, padding_idx=0)
        self.register_buffer("item_genres", item_genres.clone())
        self.genre_embedding = nn.Embedding(int(item_genres.max()) + 1, dim, padding_idx=0)
        self.user_embedding = nn.Embedding(num_users, dim) if config.use_user_id else None
        self.position_embedding = nn.Embedding(config.max_history, dim)
        self.drop = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(
            TransformerBlock(dim, config.num_heads, config.dropout)
            for _ in range(config.num_layers)
        )
        self.norm = nn.LayerNorm(dim)
        self.pool = AttentionPooling(dim, config.num_heads)
        self.ff = nn.Sequential(
            nn.Linear(dim, 2 * dim), nn.GELU(), nn.Dropout(config.dropout), nn.Linear(2 * dim, dim)
        )
        self.out_norm = nn.LayerNorm(dim)
        # log of each item's share of training interactions, for the in-batch logQ correction
        frequency = (item_counts.double() + 1.0) / (item_counts.double() + 1.0).sum()
        self.register_buffer("log_frequency", frequency.log().float())
        for embedding in (
            self.item_embedding,
            self.genre_embedding,
            self.position_embedding,
            self.user_embedding,
        ):
            if embedding is not None:
                init_embedding(embedding)

    def item_vectors(self) -> torch.Tensor:
        """Item tower output for the whole catalogue, [N+1, D]."""
        vectors = self.item_embedding.weight
        if self.config.use_genres:
            genres = self.item_genres
            summed = self.genre_embedding(genres).sum(dim=1)  # the padding row is zero
            vectors = vectors + summed / (genres > 0).sum(dim=1, keepdim=True).clamp(min=1)
        return vectors

    def user_vectors(
        self, history: torch.Tensor, users: torch.Tensor | None, items: torch.Tensor
    ) -> torch.Tensor:
        """User tower, [B, D]."""
        history = history[:, -self.history_length :]
        real = history > 0
        positions = torch.arange(
            self.history_length - history.shape[1], self.history_length, device=history.device
        )
        # Dropout on the catalogue's vectors before the gather: the same regularisation for an
        # item wherever it appears, at a fraction of the cost of masking [B, L, D] on CPU.
        x = self.drop(items)[history] + self.position_embedding(positions)
        if self.blocks:
            mask = attention_mask(history, causal=False)
            for block in self.blocks:
                x = block(x, mask)
        pooled = self.pool(self.norm(x), real)
        state = pooled + self.ff(pooled)
        if self.user_embedding is not None:
            if users is None:
                raise ValueError("this two-tower model uses user ids: pass batch['users']")
            state = state + self.user_embedding(users)
        return self.out_norm(state)

    def calculate_loss(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """batch: ``history`` [B, L] the items before the target, ``target`` [B]."""
        items = self.item_vectors()
        users = self.user_vectors(batch["history"], batch.get("users"), items)
        targets = batch["target"]
        if self.config.loss == "full_softmax":
            logits = users @ items.T
            logits[:, 0] = float("-inf")
            return F.cross_entropy(logits, targets)
        candidates, labels = torch.unique(targets, return_inverse=True)
        logits = users @ items[candidates].T - self.log_frequency[candidates]
        return F.cross_entropy(logits, labels)

    def full_sort_predict(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        items = self.item_vectors()
        return self.user_vectors(batch["history"], batch.get("users"), items) @ items.T

    def forward(self, history: torch.Tensor, users: torch.Tensor | None = None) -> torch.Tensor:
        return self.full_sort_predict({"history": history, "users": users})
