"""BERT4Rec: Sun et al., "BERT4Rec: Sequential Recommendation with Bidirectional Encoder
Representations from Transformer" (CIKM 2019).

A bidirectional transformer over the item sequence, trained with the Cloze (masked-item)
objective and a full softmax over the catalogue; the output layer shares the item embeddings.
At prediction time a [MASK] is appended after the history and its output scores every item.
Attention runs on PyTorch's fused ``scaled_dot_product_attention``.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from movie_genie_trainer.config import Bert4RecModelConfig
from movie_genie_trainer.models.layers import TransformerBlock, attention_mask


class BERT4Rec(nn.Module):
    def __init__(self, config: Bert4RecModelConfig, num_items: int):
        super().__init__()
        dim = config.hidden_size
        self.config = config
        self.num_items = num_items
        self.mask_token = num_items + 1
        self.history_length = config.max_length - 1  # one slot for the appended [MASK]
        self.item_embedding = nn.Embedding(num_items + 2, dim, padding_idx=0)
        self.position_embedding = nn.Embedding(config.max_length, dim)
        self.drop = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(
            TransformerBlock(dim, config.num_heads, config.dropout)
            for _ in range(config.num_layers)
        )
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Sequential(nn.Linear(dim, dim), nn.GELU(), nn.LayerNorm(dim))
        self.output_bias = nn.Parameter(torch.zeros(num_items + 1))
        nn.init.normal_(self.item_embedding.weight, std=0.02)
        nn.init.normal_(self.position_embedding.weight, std=0.02)

    def encode(self, sequence: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(sequence.shape[1], device=sequence.device)
        x = self.drop(self.item_embedding(sequence) + self.position_embedding(positions))
        mask = attention_mask(sequence, causal=False)
        for block in self.blocks:
            x = block(x, mask)
        return self.norm(x)

    def _logits(self, hidden: torch.Tensor) -> torch.Tensor:
        """Scores over item indices 0..N (0 is padding) with tied output embeddings."""
        return (
            self.head(hidden) @ self.item_embedding.weight[: self.num_items + 1].T
            + self.output_bias
        )

    def calculate_loss(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """batch: ``sequence`` [B, L] with some items replaced by [MASK]; ``labels`` [B, L]
        holding the original item at masked positions and 0 elsewhere."""
        hidden = self.encode(batch["sequence"])
        masked = batch["labels"] > 0
        # Padding (column 0) is never a target: the softmax runs over items 1..N only, so
        # label smoothing spreads its mass over real items.
        logits = self._logits(hidden[masked])[:, 1:]
        return F.cross_entropy(
            logits, batch["labels"][masked] - 1, label_smoothing=self.config.label_smoothing
        )

    def full_sort_predict(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        history = batch["history"][:, -self.history_length :]
        mask_column = torch.full((history.shape[0], 1), self.mask_token, device=history.device)
        hidden = self.encode(torch.cat([history, mask_column], dim=1))
        return self._logits(hidden[:, -1])

    def forward(self, history: torch.Tensor) -> torch.Tensor:
        return self.full_sort_predict({"history": history})


def cloze_batch(
    windows: torch.Tensor,
    mask_token: int,
    mask_ratio: float,
    last_item_ratio: float,
    rng: np.random.Generator,
    last_item_rule: str = "only",
) -> dict[str, torch.Tensor]:
    """Mask training windows [B, L] (left-padded): each real item is masked with probability
    ``mask_ratio`` (at least one per row). A ``last_item_ratio`` share of rows also masks the
    last item, which is exactly the prediction task at test time (a [MASK] after the history):
    under ``last_item_rule`` "only" that is those rows' only mask, under "also" it is added to
    their random masks (so they keep every other target too)."""
    real = windows.numpy() > 0
    masked = (rng.random(real.shape) < mask_ratio) & real
    last = rng.random(len(real)) < last_item_ratio
    if last_item_rule == "only":
        masked[last] = False
    elif last_item_rule != "also":
        raise ValueError(f"last_item_rule must be 'only' or 'also', not {last_item_rule!r}")
    masked[:, -1] |= last | ~masked.any(axis=1)
    masked = torch.from_numpy(masked)
    return {
        "sequence": windows.masked_fill(masked, mask_token),
        "labels": windows.masked_fill(~masked, 0),
    }
