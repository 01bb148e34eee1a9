"""promotion against the fake tracking client: the alias is the one truth, promotions are
serialised across "workers" (Champions objects sharing a state folder, as gunicorn's workers do),
refusals are 409s, and the other worker sees the new champion on its next request."""

from __future__ import annotations

import multiprocessing
import threading

import pytest
from metrics_api.champions import Champions
from metrics_api.errors import Conflict
from metrics_api.people import Promoter
from metrics_api.promotion import promote

from tests.metrics_api.fake_tracking import DEFAULT_EXPERIMENT, FakeTracking

PREFIX = "movie-genie-"
MODEL = f"{PREFIX}two-tower"


@pytest.fixture
def fake() -> FakeTracking:
    fake = FakeTracking()
    fake.experiments["elsewhere"] = "2"
    for i in range(3):
        fake.add_run("two-tower", start=1000 + i, register_as=MODEL)
    return fake


def runs_of(fake, model_name="two-tower") -> list[str]:
    return sorted(
        (r for r, run in fake.runs.items() if run.data.tags.get("model_name") == model_name),
        key=lambda r: fake.runs[r].info.start_time,
    )


def do_promote(fake, champions, run_id):
    return promote(fake, champions, run_id, DEFAULT_EXPERIMENT, PREFIX, Promoter("alice", "pw"))


def test_promotion_moves_the_alias_mirrors_tags_and_reports_the_previous(fake, tmp_path):
    first, second, _ = runs_of(fake)
    champions = Champions(fake, PREFIX, tmp_path)
    data = do_promote(fake, champions, first)
    assert data["run"]["model_status"] == "active" and data["previous_active_run_id"] is None
    assert (data["registered_model"], data["version"], data["alias"]) == (MODEL, "1", "champion")
    data = do_promote(fake, champions, second)
    assert data["previous_active_run_id"] == first
    assert fake.aliases[MODEL]["champion"] == "2"
    assert (fake.status_tag(first), fake.status_tag(second)) == ("inactive", "active")
    assert fake.version_tags[(MODEL, "2")]["promoted_by"] == "alice" == data["promoted_by"]


def test_the_other_worker_sees_the_new_champion_without_asking_mlflow(fake, tmp_path):
    first, *_ = runs_of(fake)
    worker_a, worker_b = Champions(fake, PREFIX, tmp_path), Champions(fake, PREFIX, tmp_path)
    assert worker_b.run_ids() == frozenset()
    do_promote(fake, worker_a, first)
    calls = sum(fake.calls.values())
    assert worker_b.run_ids() == {first} and worker_b.run_of(MODEL) == first
    assert sum(fake.calls.values()) == calls


def test_a_run_without_a_registered_version_is_a_409_that_says_so(fake, tmp_path):
    baseline = fake.add_run("popularity", start=5000)
    with pytest.raises(Conflict, match="no version of registered model"):
        do_promote(fake, Champions(fake, PREFIX, tmp_path), baseline)
    assert fake.calls["set_alias"] == 0 and fake.status_tag(baseline) == "inactive"


def test_a_run_of_another_experiment_is_a_409(fake, tmp_path):
    outsider = fake.add_run("two-tower", start=6000, experiment="elsewhere", register_as=MODEL)
    with pytest.raises(Conflict, match="another experiment"):
        do_promote(fake, Champions(fake, PREFIX, tmp_path), outsider)
    assert MODEL not in fake.aliases


def test_unfinished_runs_are_a_409(fake, tmp_path):
    running = fake.add_run("two-tower", start=7000, status="RUNNING", register_as=MODEL)
    with pytest.raises(Conflict, match="RUNNING"):
        do_promote(fake, Champions(fake, PREFIX, tmp_path), running)


def test_losing_a_race_to_another_host_is_a_409_not_a_false_200(fake, tmp_path):
    first, second, _ = runs_of(fake)

    def other_host_promotes(model, alias, version):
        fake.after_set_alias = None
        fake.aliases[model][alias] = "2"

    fake.after_set_alias = other_host_promotes
    with pytest.raises(Conflict, match="won the race"):
        do_promote(fake, Champions(fake, PREFIX, tmp_path), first)
    assert fake.aliases[MODEL]["champion"] == "2"


def test_fifty_pairs_of_concurrent_promotions_leave_one_champion_each(fake, tmp_path):
    runs = runs_of(fake)
    workers = [Champions(fake, PREFIX, tmp_path), Champions(fake, PREFIX, tmp_path)]
    for trial in range(50):
        pair = (runs[trial % 3], runs[(trial + 1) % 3])
        start = threading.Barrier(2)
        answers: list[dict] = []

        def promote_on(worker, run_id, start, answers):
            start.wait()
            answers.append(do_promote(fake, worker, run_id))

        threads = [
            threading.Thread(target=promote_on, args=(w, r, start, answers))
            for w, r in zip(workers, pair, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert len(answers) == 2, trial
        champion = fake.versions[MODEL][fake.aliases[MODEL]["champion"]]
        tagged_active = [r for r in runs if fake.status_tag(r) == "active"]
        assert tagged_active == [champion], trial  # the mirror agrees with the alias
        # Serialised: the second promotion saw the first one's champion as its previous.
        assert {a["previous_active_run_id"] for a in answers} & set(pair), trial
        assert workers[0].run_ids() == workers[1].run_ids() == {champion}, trial


def _promote_in_this_process(champions: Champions, run_id: str) -> None:
    do_promote(champions.tracking, champions, run_id)


def test_a_worker_forked_from_a_preloading_master_can_promote(tmp_path):
    """gunicorn builds the app (and this lock) in its master, then forks: the worker's lock must
    be its own (filelock refuses one inherited across a fork)."""
    fake = FakeTracking()
    run_id = fake.add_run("two-tower", start=1000, register_as=f"{PREFIX}two-tower")
    champions = Champions(fake, PREFIX, tmp_path)
    with champions.promotion_lock.acquire(timeout=5):  # used in the master before the fork
        pass
    worker = multiprocessing.get_context("fork").Process(
        target=_promote_in_this_process, args=(champions, run_id)
    )
    worker.start()
    worker.join(60)
    assert worker.exitcode == 0
    assert Champions(fake, PREFIX, tmp_path).run_of(f"{PREFIX}two-tower") == run_id
