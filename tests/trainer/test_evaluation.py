"""Metrics against cases computed by hand (ties broken by item index, 0-based ranks)."""

import math

import numpy as np
import pytest
import torch
from movie_genie_trainer.evaluation import RankingAccumulator, evaluate, seen_mask
from movie_genie_trainer.models.popularity import Popularity


def score(rows, targets, seen, num_items, ks):
    accumulator = RankingAccumulator(num_items, ks)
    accumulator.add(torch.tensor(rows), torch.tensor(targets), seen_mask(seen, num_items))
    return accumulator.result()


def test_hand_computed_ranks_with_ties_seen_items_and_a_user_without_hits():
    rows = [
        [0.0, 0.9, 0.5, 0.5, 0.1, 0.3],  # item 1 seen; 2 and 3 tie → 2 first; target 3: rank 1
        [0.0, 1.0, 1.0, 1.0, 1.0, 1.0],  # all tied → index order; target 5: rank 4 (no hit)
        [0.0, 0.1, 0.2, 0.3, 0.4, 0.5],  # item 5 seen; target 4: rank 0
    ]
    metrics = score(
        rows,
        [3, 5, 4],
        [np.array([1]), np.array([], dtype=int), np.array([5])],
        num_items=5,
        ks=[1, 2, 3],
    )
    second = 1 / math.log2(3)
    assert metrics["recall_at_1"] == pytest.approx(1 / 3)
    assert metrics["recall_at_2"] == pytest.approx(2 / 3)
    assert metrics["recall_at_3"] == pytest.approx(2 / 3)
    assert metrics["ndcg_at_1"] == pytest.approx(1 / 3)
    assert metrics["ndcg_at_2"] == pytest.approx((1 + second) / 3)
    assert metrics["ndcg_at_3"] == pytest.approx((1 + second) / 3)
    # top-1: {2, 1, 4}; top-2 adds 3; top-3 adds 5
    assert metrics["coverage_at_1"] == pytest.approx(3 / 5)
    assert metrics["coverage_at_2"] == pytest.approx(4 / 5)
    assert metrics["coverage_at_3"] == pytest.approx(5 / 5)


def test_no_user_hits_gives_zero():
    rows = [[0.0, 3.0, 2.0, 1.0], [0.0, 3.0, 2.0, 1.0]]
    metrics = score(rows, [3, 3], [np.array([], dtype=int)] * 2, num_items=3, ks=[2])
    assert metrics["recall_at_2"] == 0.0
    assert metrics["ndcg_at_2"] == 0.0
    assert metrics["coverage_at_2"] == pytest.approx(2 / 3)


def test_excluded_items_never_count_towards_coverage():
    metrics = score([[0.0, 5.0, 4.0, 1.0]], [3], [np.array([1, 2])], num_items=3, ks=[2])
    assert metrics["recall_at_2"] == 1.0
    assert metrics["ndcg_at_2"] == 1.0
    assert metrics["coverage_at_2"] == pytest.approx(1 / 3)


def test_evaluate_reports_cross_entropy_of_the_held_out_items(smoke_data):
    counts = torch.from_numpy(smoke_data.train_item_counts())
    model = Popularity(counts, smoothing=1.0)
    metrics = evaluate(model, smoke_data, "test", ks=[10], batch_size=7).metrics
    expected = -model.log_probability[torch.from_numpy(smoke_data.test_items)].mean().item()
    assert metrics["loss"] == pytest.approx(expected, rel=1e-5)
    assert 0.0 <= metrics["ndcg_at_10"] <= metrics["recall_at_10"] <= 1.0


def test_unknown_split_is_rejected(smoke_data):
    with pytest.raises(ValueError, match="unknown split"):
        smoke_data.history("train")
