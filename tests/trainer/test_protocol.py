"""The evaluation protocol's guarantees: held-out items never reach training batches or a
model's input before they are predicted, and the training loop counts the batches it gets."""

import math

import numpy as np
import pytest
import torch
from movie_genie_trainer import train_bert4rec, train_two_tower, training
from movie_genie_trainer.batching import NextItemExamples, tiling_windows
from movie_genie_trainer.config import Bert4RecConfig, TwoTowerConfig, load_config
from movie_genie_trainer.evaluation import evaluate
from torch import nn

from tests.trainer.conftest import CONFIGS


def held_out(data, user):
    return {int(data.val_items[user]), int(data.test_items[user])}


def test_two_tower_trains_on_every_step_of_the_training_items_only(smoke_data):
    examples = NextItemExamples(smoke_data.train, length=20)
    assert len(examples) == sum(len(s) - 1 for s in smoke_data.train)  # every next-item step
    for batch in examples.batches(64, np.random.default_rng(0)):
        for user, history, target in zip(
            batch["users"], batch["history"], batch["target"], strict=True
        ):
            seq = smoke_data.train[int(user)]
            seen = set(history[history > 0].tolist()) | {int(target)}
            assert seen <= set(seq.tolist())
            assert not seen & held_out(smoke_data, int(user))
            position = int(np.flatnonzero(seq == int(target))[0])  # items are unique per user
            assert history[history > 0].tolist() == seq[max(0, position - 20) : position].tolist()


def test_bert4rec_windows_tile_the_whole_training_history_only(smoke_data):
    users, windows = tiling_windows(
        smoke_data.train, length=20, stride=10, rng=np.random.default_rng(1)
    )
    for user in range(smoke_data.num_users):
        rows = windows[users == user]
        covered = set(rows[rows > 0].tolist())
        assert covered == set(smoke_data.train[user].tolist())  # all of it, nothing else
        assert rows[0][rows[0] > 0].tolist() == smoke_data.train[user][-20:].tolist()


class InputSpy(nn.Module):
    """Scores nothing; remembers every history it is given."""

    history_length = 2000  # longer than any smoke history: the evaluator passes it whole

    def __init__(self):
        super().__init__()
        self.inputs = []

    def full_sort_predict(self, batch):
        self.inputs.extend(batch["history"].tolist())
        return torch.zeros(batch["history"].shape[0], self.num_items + 1)


@pytest.mark.parametrize("split", ["val", "test"])
def test_evaluation_never_shows_a_model_its_target(smoke_data, split):
    spy = InputSpy()
    spy.num_items = smoke_data.num_items
    evaluate(spy, smoke_data, split, ks=(10,), batch_size=16)
    for user, history in enumerate(spy.inputs):
        items = [i for i in history if i]
        assert int(smoke_data.test_items[user]) not in items
        expected = smoke_data.train[user].tolist()
        if split == "test":
            expected.append(int(smoke_data.val_items[user]))
        else:
            assert int(smoke_data.val_items[user]) not in items
        assert items == expected


def epoch_batches(trainer, schema, filename, data):
    """The first epoch's batches the trainer hands to ``fit`` (its ``prepare``)."""
    config = load_config(CONFIGS / "smoke" / filename, schema)
    _, make_batches = trainer.prepare(config, data)
    batches = make_batches(np.random.default_rng(0))
    assert batches
    return batches


def test_two_tower_batches_hold_only_each_users_training_items(smoke_data):
    batches = epoch_batches(train_two_tower, TwoTowerConfig, "two_tower.yaml", smoke_data)
    for batch in batches:
        for user, history, target in zip(
            batch["users"], batch["history"], batch["target"], strict=True
        ):
            items = set(history[history > 0].tolist()) | {int(target)}
            assert items <= set(smoke_data.train[int(user)].tolist())


def test_bert4rec_batches_are_slices_of_training_sequences(smoke_data):
    batches = epoch_batches(train_bert4rec, Bert4RecConfig, "bert4rec.yaml", smoke_data)
    sequences = ["," + ",".join(map(str, seq.tolist())) + "," for seq in smoke_data.train]
    for batch in batches:
        windows = torch.where(batch["labels"] > 0, batch["labels"], batch["sequence"])
        for row in windows:
            text = "," + ",".join(map(str, row[row > 0].tolist())) + ","
            # a contiguous run of one user's training items holds none of that user's
            # validation or test items (they are not in the training sequence)
            assert any(text in seq for seq in sequences)


class CountingModel(nn.Module):
    history_length = 3

    def __init__(self, num_items):
        super().__init__()
        self.scores = nn.Parameter(torch.zeros(num_items + 1))

    def calculate_loss(self, batch):
        return -(self.scores.log_softmax(0)[batch["target"]]).mean()

    def full_sort_predict(self, batch):
        return self.scores.expand(batch["history"].shape[0], -1)

    def forward(self, history):
        return self.full_sort_predict({"history": history})


def test_fit_counts_the_batches_it_is_given(smoke_data, tmp_path):
    """7 batches an epoch (not users / batch_size): the cosine schedule's progress after epoch
    1 of 4 must be exactly a quarter."""
    config = load_config(CONFIGS / "smoke" / "two_tower.yaml", TwoTowerConfig)
    config = config.model_copy(
        update={
            "training": config.training.model_copy(
                update={
                    "epochs": 4,
                    "warmup_epochs": 0,
                    "min_lr_ratio": 0.0,
                    "early_stopping_patience": 10,
                    "learning_rate": 0.1,
                    "batch_size": 1000,
                }
            )
        }
    )
    calls = []

    def make_batches(rng):
        calls.append(1)
        return [{"target": torch.tensor([1, 2])} for _ in range(7)]

    result = training.fit(
        CountingModel(smoke_data.num_items),
        smoke_data,
        model_name="two-tower",
        config=config,
        make_batches=make_batches,
        out=tmp_path,
        callbacks=[],
    )
    assert len(calls) == 4  # one list per epoch, the first one trained on too
    rates = [epoch["learning_rate"] for epoch in result.history]
    expected = [0.1 * 0.5 * (1 + math.cos(math.pi * e / 4)) for e in (1, 2, 3, 4)]
    assert rates == pytest.approx(expected)
