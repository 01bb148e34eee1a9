"""The one training lifecycle (``training.training_run``): the hook order every trainer, both
baselines and the tests' tiny loop share."""

import pytest
from movie_genie_trainer.training import training_run

from tests.trainer.conftest import RecordingCallback

START = {"model_name": "two-tower", "config": {}, "dataset_stats": {}, "total_parameters": 1}


def test_start_epochs_end_in_order():
    recorder = RecordingCallback()
    with training_run([recorder], **START) as run:
        run.epoch_end(1, {"val_ndcg_at_10": 0.1})
        run.epoch_end(2, {"val_ndcg_at_10": 0.2})
        run.end(final_metrics={"ndcg_at_10": 0.2}, output_dir=None, model=None, example_input=None)
    assert recorder.names() == ["start", "epoch", "epoch", "end"]


def test_an_exception_fails_the_run_on_every_callback_and_propagates():
    first, second = RecordingCallback(), RecordingCallback()
    with pytest.raises(ValueError, match="boom"), training_run([first, second], **START) as run:
        run.epoch_end(1, {})
        raise ValueError("boom")
    assert first.names() == second.names() == ["start", "epoch", "failed"]


def test_a_run_that_never_ends_is_an_error_not_an_open_run():
    recorder = RecordingCallback()
    with (
        pytest.raises(RuntimeError, match="without ending the run"),
        training_run([recorder], **START) as run,
    ):
        run.epoch_end(1, {})
    assert recorder.names() == ["start", "epoch", "failed"]


@pytest.mark.parametrize("late_epoch", [1, 3])
def test_epochs_out_of_order_or_after_the_end_are_refused(late_epoch):
    recorder = RecordingCallback()
    with (
        pytest.raises(RuntimeError, match="reported after"),
        training_run([recorder], **START) as run,
    ):
        run.epoch_end(2, {})
        if late_epoch == 3:
            run.end(final_metrics={}, output_dir=None, model=None, example_input=None)
        run.epoch_end(late_epoch, {})
    assert recorder.names()[-1] == "failed"
