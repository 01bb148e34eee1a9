"""Each model trains on the smoke subset: its loss falls, it writes the contract's files, and it
reports to the tracking callbacks in order. Same seed → same metrics."""

import json

import numpy as np
import pytest
import torch
import yaml
from movie_genie_trainer import train_bert4rec, train_popularity, train_two_tower
from movie_genie_trainer.config import (
    Bert4RecConfig,
    PopularityConfig,
    TwoTowerConfig,
    load_config,
)
from movie_genie_trainer.data.dataset import load_processed, pad_left

from tests.trainer.conftest import CONFIGS, RecordingCallback

TRAINERS = {
    "two-tower": (train_two_tower, TwoTowerConfig, "two_tower.yaml"),
    "bert4rec": (train_bert4rec, Bert4RecConfig, "bert4rec.yaml"),
}
FINAL_KEYS = {
    *(f"{m}_at_{k}" for m in ("recall", "ndcg", "coverage") for k in (10, 50, 100)),
    "num_users",
    "num_movies",
    "num_interactions",
    "total_parameters",
    "training_time_seconds",
    "val_recall_at_10",
    "val_ndcg_at_10",
    "epochs_trained",
    "best_epoch",
}
EPOCH_KEYS = {
    "epoch",
    "train_loss",
    "val_loss",
    "learning_rate",
    "val_recall_at_10",
    "val_ndcg_at_10",
}


def smoke_config(name):
    module, schema, filename = TRAINERS[name]
    return module, load_config(CONFIGS / "smoke" / filename, schema)


@pytest.fixture(scope="module", params=sorted(TRAINERS))
def smoke_run(request, smoke_dir, tmp_path_factory):
    """One smoke training per model, shared by the tests that inspect it."""
    name = request.param
    module, config = smoke_config(name)
    data = load_processed(smoke_dir)
    out, recorder = tmp_path_factory.mktemp(name), RecordingCallback()
    return name, module, config, data, out, recorder, module.train(config, data, out, [recorder])


@pytest.mark.slow
def test_smoke_training_lowers_the_loss_and_writes_the_run(smoke_run):
    name, module, config, smoke_data, tmp_path, recorder, result = smoke_run

    losses = [epoch["train_loss"] for epoch in result.history]
    assert losses[-1] < losses[0]
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert FINAL_KEYS <= metrics.keys()
    assert not any("@" in key for key in metrics)
    assert metrics["total_parameters"] > 0
    history = json.loads((tmp_path / "history.json").read_text())
    assert [set(epoch) for epoch in history] == [EPOCH_KEYS] * len(history)
    assert yaml.safe_load((tmp_path / "config.yaml").read_text())[
        "model"
    ] == config.model.model_dump(mode="json")

    checkpoint = torch.load(tmp_path / "model.pth", weights_only=False)
    assert checkpoint["config"]["training"]["seed"] == config.training.seed
    model = (
        module.build_model(config, smoke_data)
        if name == "two-tower"
        else module.BERT4Rec(config.model, smoke_data.num_items)
    )
    model.load_state_dict(checkpoint["state_dict"])

    assert recorder.names() == ["start"] + ["epoch"] * len(history) + ["end"]
    start, end = recorder.calls[0][1], recorder.calls[-1][1]
    assert start["model_name"] == name and start["config"]["data"]["name"] == "ml-100k-smoke"
    assert recorder.calls[1][1][0] == 1
    # Logged once at the end: the test metrics; validation is the per-epoch curve.
    assert end["final_metrics"] == {k: v for k, v in metrics.items() if not k.startswith("val_")}
    best = history[metrics["best_epoch"] - 1]
    assert (
        metrics["val_ndcg_at_10"]
        == best["val_ndcg_at_10"]
        == max(epoch["val_ndcg_at_10"] for epoch in history)
    )
    assert all(
        set(call[1][1]) == EPOCH_KEYS - {"epoch"} for call in recorder.calls if call[0] == "epoch"
    )
    scores = end["model"](torch.from_numpy(end["example_input"]))
    assert scores.shape == (2, smoke_data.num_items + 1)


@pytest.mark.slow
def test_same_seed_gives_the_same_metrics(smoke_run, tmp_path):
    _, module, config, smoke_data, _, _, first = smoke_run
    again = module.train(config, smoke_data, tmp_path, []).metrics
    for run in (first.metrics, again):
        run.pop("training_time_seconds", None)
    assert again == first.metrics


def test_popularity_baseline_uses_the_same_protocol(smoke_data, recorder, tmp_path):
    config = load_config(CONFIGS / "smoke" / "baselines.yaml", PopularityConfig)
    result = train_popularity.train(config, smoke_data, tmp_path, [recorder])
    assert result.metrics["total_parameters"] == 0
    assert FINAL_KEYS <= result.metrics.keys()
    assert recorder.names() == ["start", "epoch", "end"]
    counts = torch.load(tmp_path / "model.pth", weights_only=False)["state_dict"]["counts"]
    assert counts.sum().item() == sum(map(len, smoke_data.train))


def test_a_crash_is_reported_to_the_callbacks_and_re_raised(
    smoke_data, recorder, tmp_path, monkeypatch
):
    module, config = smoke_config("bert4rec")

    def broken_loss(self, batch):
        raise RuntimeError("loss exploded")

    monkeypatch.setattr(module.BERT4Rec, "calculate_loss", broken_loss)
    with pytest.raises(RuntimeError, match="loss exploded"):
        module.train(config, smoke_data, tmp_path, [recorder])
    assert recorder.names() == ["start", "failed"]
    assert str(recorder.calls[-1][1]) == "loss exploded"


@pytest.mark.parametrize("loss", ["full_softmax", "in_batch"])
def test_two_tower_one_epoch_of_steps_lowers_the_loss_on_a_fixed_batch(smoke_data, loss):
    _, config = smoke_config("two-tower")
    config = config.model_copy(
        update={"model": config.model.model_copy(update={"loss": loss, "dropout": 0.0})}
    )
    torch.manual_seed(0)
    model = train_two_tower.build_model(config, smoke_data)
    batch = {
        "history": pad_left([seq[:-1] for seq in smoke_data.train], 20),
        "target": torch.tensor([seq[-1] for seq in smoke_data.train]),
    }
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    before = model.calculate_loss(batch).item()
    for _ in range(10):
        optimizer.zero_grad()
        model.calculate_loss(batch).backward()
        optimizer.step()
    assert model.calculate_loss(batch).item() < before


def test_mask_always_hides_at_least_one_item():
    from movie_genie_trainer.models.bert4rec import cloze_batch

    windows = torch.tensor([[0, 0, 5, 6], [1, 2, 3, 4]])
    batch = cloze_batch(
        windows, mask_token=99, mask_ratio=0.01, last_item_ratio=0.0, rng=np.random.default_rng(0)
    )
    assert ((batch["labels"] > 0).sum(dim=1) >= 1).all()
    assert (batch["sequence"][batch["labels"] > 0] == 99).all()
    assert (batch["sequence"][windows == 0] == 0).all()


def test_last_item_rows_mask_only_the_most_recent_item_as_at_inference():
    from movie_genie_trainer.models.bert4rec import cloze_batch

    windows = torch.tensor([[0, 0, 5, 6], [1, 2, 3, 4], [0, 7, 8, 9]])
    batch = cloze_batch(
        windows, mask_token=99, mask_ratio=0.9, last_item_ratio=1.0, rng=np.random.default_rng(0)
    )
    assert batch["labels"][:, -1].tolist() == [6, 4, 9]
    assert (batch["labels"][:, :-1] == 0).all()
    assert batch["sequence"][:, :-1].tolist() == windows[:, :-1].tolist()


def test_the_also_rule_adds_the_last_item_to_the_random_masks():
    from movie_genie_trainer.models.bert4rec import cloze_batch

    windows = torch.arange(1, 41).view(2, 20)
    batch = cloze_batch(
        windows,
        mask_token=99,
        mask_ratio=0.5,
        last_item_ratio=1.0,
        rng=np.random.default_rng(0),
        last_item_rule="also",
    )
    assert batch["labels"][:, -1].tolist() == [20, 40]
    assert ((batch["labels"][:, :-1] > 0).sum(dim=1) > 1).all()  # the random masks stay


@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_bert4rec_loss_never_targets_padding_and_smooths_over_real_items(smoothing):
    from movie_genie_trainer.config import Bert4RecModelConfig
    from movie_genie_trainer.models.bert4rec import BERT4Rec

    torch.manual_seed(0)
    cfg = Bert4RecModelConfig(
        hidden_size=8, num_heads=2, max_length=4, dropout=0.0, label_smoothing=smoothing
    )
    model = BERT4Rec(cfg, num_items=6)
    model.eval()
    mask = model.mask_token
    batch = {
        "sequence": torch.tensor([[0, 2, mask, 4], [1, mask, 3, mask]]),
        "labels": torch.tensor([[0, 0, 5, 0], [0, 2, 0, 6]]),
    }
    # By hand: a softmax over items 1..6 (column 0, padding, gets no probability at all), and
    # each target keeps 1 - ε of its mass while ε is spread evenly over those 6 items.
    hidden = model.encode(batch["sequence"])[batch["labels"] > 0]
    log_p = torch.log_softmax(model._logits(hidden)[:, 1:], dim=1)
    targets = torch.tensor([5, 2, 6]) - 1
    nll = -log_p[torch.arange(3), targets]
    expected = ((1 - smoothing) * nll - smoothing * log_p.mean(dim=1)).mean()
    assert torch.allclose(model.calculate_loss(batch), expected, atol=1e-6)
