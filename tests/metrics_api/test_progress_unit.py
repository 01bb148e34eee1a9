"""A RUNNING run's epoch i / N and ETA, from the heartbeat's step and the epochs param."""

from __future__ import annotations

from metrics_api.progress import progress_of
from metrics_api.serialize import run_to_dict
from mlflow.entities import Metric, Param, Run, RunData, RunInfo

BEAT = "system/heartbeat"
START_MS = 1_000_000_000


def test_pace_so_far_gives_the_eta():
    # 3 of 10 epochs in 60 s: 20 s an epoch, 7 to go -> 140 s after the last beat.
    got = progress_of("RUNNING", START_MS, {"training.epochs": "10"}, {BEAT: 1_000_060.0}, 3)
    assert got == {"epoch": 3, "epochs": 10, "eta_at": (1_000_060 + 140) * 1000}


def test_before_the_first_epoch_there_is_no_eta_and_without_the_param_no_total():
    assert progress_of("RUNNING", START_MS, {"training.epochs": "5"}, {BEAT: 1e6}, 0) == {
        "epoch": 0,
        "epochs": 5,
        "eta_at": None,
    }
    assert progress_of("RUNNING", START_MS, {"training.epochs": "x"}, {BEAT: 1e6 + 9}, 2) == {
        "epoch": 2,
        "epochs": None,
        "eta_at": None,
    }


def test_only_running_runs_that_beat_have_progress():
    assert progress_of("FINISHED", START_MS, {"training.epochs": "5"}, {BEAT: 1e6}, 5) is None
    assert progress_of("RUNNING", START_MS, {"training.epochs": "5"}, {}, None) is None


def run(status: str, beats: list[tuple[int, float]]) -> Run:
    info = RunInfo(
        run_id="a" * 32,
        experiment_id="1",
        user_id="test",
        status=status,
        start_time=START_MS,
        end_time=None,
        lifecycle_stage="active",
        artifact_uri="mem://a",
    )
    # MLflow's run data holds each metric's latest value with its step.
    metrics = [Metric(BEAT, value, int(value * 1000), step) for step, value in beats[-1:]]
    metrics.append(Metric("val_loss", 0.5, START_MS, beats[-1][0]))
    return Run(info, RunData(metrics=metrics, params=[Param("training.epochs", "4")]))


def test_a_running_runs_dict_carries_its_progress_from_the_heartbeats_step():
    shown = run_to_dict(run("RUNNING", [(0, 1e6), (1, 1e6 + 10), (2, 1e6 + 20)]))
    assert shown["progress"] == {"epoch": 2, "epochs": 4, "eta_at": int((1e6 + 40) * 1000)}
    assert run_to_dict(run("FINISHED", [(4, 1e6 + 40)]))["progress"] is None
