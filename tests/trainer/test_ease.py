"""EASE: the closed form matches a brute-force ridge solve, the penalty is chosen on validation,
and a catalogue too large for a dense inverse is refused with the limit named."""

import numpy as np
import pytest
import torch
from movie_genie_trainer import train_ease
from movie_genie_trainer.config import EaseConfig, load_config
from movie_genie_trainer.models.ease import EASE, CatalogueTooLarge, gram_matrix

from tests.trainer.conftest import CONFIGS


def brute_force(x: np.ndarray, l2: float) -> np.ndarray:
    """Column by column: min ‖X_j − X_{-j} b‖² + λ‖b‖², then b_jj = 0 (Steck 2019, eq. 1)."""
    n = x.shape[1]
    weights = np.zeros((n, n))
    for j in range(n):
        others = [i for i in range(n) if i != j]
        a = x[:, others]
        weights[others, j] = np.linalg.solve(a.T @ a + l2 * np.eye(n - 1), a.T @ x[:, j])
    return weights


def test_closed_form_matches_a_brute_force_solve_on_a_tiny_matrix():
    rng = np.random.default_rng(0)
    x = (rng.random((15, 6)) < 0.4).astype(float)
    histories = [np.flatnonzero(row) + 1 for row in x]  # item indices start at 1
    model = EASE.fit(histories, num_items=6, l2=2.5, max_items=10, history_length=6)
    weights = model.weights.double().numpy()
    assert np.allclose(weights[1:, 1:], brute_force(x, 2.5), atol=1e-5)
    assert not weights[0].any() and not weights[:, 0].any()  # padding is never scored
    assert np.allclose(np.diag(weights), 0.0)
    scores = model(torch.tensor([[0, 0, 2, 5]]))
    assert torch.allclose(
        scores[0, 1:],
        torch.tensor(x[0] * 0 + weights[[2, 5], 1:].sum(0), dtype=torch.float32),
        atol=1e-5,
    )


def test_gram_matrix_counts_co_occurrences():
    gram = gram_matrix([np.array([1, 2]), np.array([2, 3]), np.array([2])], num_items=3)
    assert gram[1:, 1:].tolist() == [[1, 1, 0], [1, 3, 1], [0, 1, 1]]


def test_a_catalogue_over_the_limit_is_refused_naming_it():
    with pytest.raises(CatalogueTooLarge, match=r"model\.max_items=5"):
        EASE.fit([np.array([1, 2])], num_items=6, l2=1.0, max_items=5, history_length=2)


def test_the_penalty_is_chosen_on_validation(smoke_data, recorder, tmp_path, monkeypatch):
    config = load_config(CONFIGS / "smoke" / "ease.yaml", EaseConfig)
    config = config.model_copy(
        update={"model": config.model.model_copy(update={"l2_grid": [1.0, 30.0, 3000.0]})}
    )
    splits = []
    real_evaluate = train_ease.evaluate

    def spy(model, data, split, *args, **kwargs):
        splits.append(split)
        return real_evaluate(model, data, split, *args, **kwargs)

    monkeypatch.setattr(train_ease, "evaluate", spy)
    result = train_ease.train(config, smoke_data, tmp_path, [recorder])
    assert splits == ["val"] * 3  # the grid never looks at test
    scores = {l2: result.metrics[f"val_ndcg_at_10_l2_{l2:g}"] for l2 in (1.0, 30.0, 3000.0)}
    assert result.metrics["selected_l2"] == max(scores, key=scores.get)
    assert result.metrics["val_ndcg_at_10"] == max(scores.values())
    assert recorder.names() == ["start", "epoch", "end"]
    assert 0 < result.metrics["ndcg_at_10"] <= 1
