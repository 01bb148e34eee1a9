"""Champion history and roll back against the fake tracking client: every move of the alias
through the API is recorded in the registry, and a roll back undoes the last move through the
same guarded path."""

from __future__ import annotations

import json

import pytest
from metrics_api import champion_history
from metrics_api.champions import Champions
from metrics_api.errors import Conflict, NotFound
from metrics_api.people import Promoter
from metrics_api.promotion import promote, roll_back

from tests.metrics_api.fake_tracking import DEFAULT_EXPERIMENT, FakeTracking

PREFIX = "movie-genie-"
MODEL = f"{PREFIX}two-tower"


@pytest.fixture
def fake() -> FakeTracking:
    fake = FakeTracking()
    for i in range(3):
        fake.add_run("two-tower", start=1000 + i, register_as=MODEL)
    return fake


def runs_in_order(fake) -> list[str]:
    return sorted(fake.runs, key=lambda r: fake.runs[r].info.start_time)


def do_promote(fake, champions, run_id, who="alice"):
    return promote(fake, champions, run_id, DEFAULT_EXPERIMENT, PREFIX, Promoter(who, "pw"))


def do_roll_back(fake, champions, who="bob"):
    return roll_back(fake, champions, "two-tower", DEFAULT_EXPERIMENT, PREFIX, Promoter(who, "pw"))


def test_promote_a_then_b_then_roll_back_puts_a_back_and_records_three_changes(fake, tmp_path):
    a, b, _ = runs_in_order(fake)
    champions = Champions(fake, PREFIX, tmp_path)
    do_promote(fake, champions, a)
    do_promote(fake, champions, b)
    data = do_roll_back(fake, champions)

    assert fake.aliases[MODEL]["champion"] == "1" == data["version"]
    assert data["run"]["run_id"] == a and data["previous_active_run_id"] == b
    assert champions.run_of(MODEL) == a
    assert (fake.status_tag(a), fake.status_tag(b)) == ("active", "inactive")
    records = champion_history.read(fake, MODEL)
    assert [(r["action"], r["version"], r["previous_version"]) for r in records] == [
        ("rollback", "1", "2"),
        ("promote", "2", "1"),
        ("promote", "1", None),
    ]
    assert [r["promoted_by"] for r in records] == ["bob", "alice", "alice"]
    assert records[0]["run_id"] == a and records[0]["previous_run_id"] == b


def test_each_record_is_its_own_registry_tag_holding_json(fake, tmp_path):
    a, b, _ = runs_in_order(fake)
    champions = Champions(fake, PREFIX, tmp_path)
    do_promote(fake, champions, a)
    do_promote(fake, champions, b)
    tags = fake.model_tags_[MODEL]
    assert sorted(tags) == ["champion_history.000001", "champion_history.000002"]
    assert json.loads(tags["champion_history.000002"])["run_id"] == b


def test_promoting_the_champion_again_records_nothing(fake, tmp_path):
    a, *_ = runs_in_order(fake)
    champions = Champions(fake, PREFIX, tmp_path)
    do_promote(fake, champions, a)
    do_promote(fake, champions, a)
    assert len(champion_history.read(fake, MODEL)) == 1


def test_nothing_to_roll_back_to_is_a_409_that_moves_nothing(fake, tmp_path):
    a, *_ = runs_in_order(fake)
    champions = Champions(fake, PREFIX, tmp_path)
    with pytest.raises(Conflict, match="no champion to roll back"):
        do_roll_back(fake, champions)
    do_promote(fake, champions, a)
    with pytest.raises(Conflict, match="nothing to roll back to"):
        do_roll_back(fake, champions)
    assert fake.aliases[MODEL]["champion"] == "1"
    assert len(champion_history.read(fake, MODEL)) == 1


def test_an_alias_moved_outside_the_api_is_not_rolled_back_blindly(fake, tmp_path):
    a, b, c = runs_in_order(fake)
    champions = Champions(fake, PREFIX, tmp_path)
    do_promote(fake, champions, a)
    do_promote(fake, champions, b)
    fake.aliases[MODEL]["champion"] = "3"  # someone used MLflow's UI: no record says why
    with pytest.raises(Conflict, match="before version 3"):
        do_roll_back(fake, champions)
    assert fake.aliases[MODEL]["champion"] == "3"


def test_a_roll_back_to_a_deleted_run_is_a_409(fake, tmp_path):
    a, b, _ = runs_in_order(fake)
    champions = Champions(fake, PREFIX, tmp_path)
    do_promote(fake, champions, a)
    do_promote(fake, champions, b)
    del fake.runs[a]
    with pytest.raises(Conflict, match="no longer exists"):
        do_roll_back(fake, champions)
    assert fake.aliases[MODEL]["champion"] == "2"


def test_an_unknown_model_is_a_404(fake, tmp_path):
    with pytest.raises(NotFound):
        roll_back(
            fake,
            Champions(fake, PREFIX, tmp_path),
            "nope",
            DEFAULT_EXPERIMENT,
            PREFIX,
            Promoter("bob", "pw"),
        )
    with pytest.raises(NotFound):
        champion_history.read(fake, f"{PREFIX}nope")


def test_tags_that_are_not_records_are_left_out():
    tags = {
        "champion_history.000001": json.dumps({"action": "promote", "version": "1"}),
        "champion_history.000002": "not json",
        "champion_history.x": json.dumps({"action": "promote", "version": "2"}),
        "champion_history.000003": json.dumps({"action": "delete", "version": "3"}),
        "owner": "team",
    }
    assert champion_history.parse(tags) == [{"action": "promote", "version": "1"}]
