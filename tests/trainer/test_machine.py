"""Machine knobs come from the environment, never from the DVC-tracked configs."""

from __future__ import annotations

import pytest
import torch
from movie_genie_trainer.config import ConfigError, TwoTowerConfig, load_config
from movie_genie_trainer.machine import machine
from movie_genie_trainer.training import seed_everything, select_device
from pydantic import ValidationError


def test_knobs_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("MOVIE_GENIE_NUM_THREADS", "3")
    monkeypatch.setenv("MOVIE_GENIE_PROGRESS_BAR", "false")
    monkeypatch.setenv("MOVIE_GENIE_DEVICE", "cpu")
    assert (machine().num_threads, machine().progress_bar, machine().device) == (3, False, "cpu")


def test_the_training_loop_uses_the_knobs(monkeypatch):
    threads = torch.get_num_threads()
    monkeypatch.setenv("MOVIE_GENIE_NUM_THREADS", "2")
    monkeypatch.setenv("MOVIE_GENIE_DEVICE", "cpu")
    try:
        seed_everything(1)
        assert torch.get_num_threads() == 2
        assert select_device() == torch.device("cpu")
    finally:
        torch.set_num_threads(threads)


def test_a_bad_knob_names_its_variable(monkeypatch):
    monkeypatch.setenv("MOVIE_GENIE_DEVICE", "tpu")
    with pytest.raises(ValidationError, match="device"):
        machine()


@pytest.mark.parametrize("knob", ["num_threads: 2", "progress_bar: false"])
def test_a_knob_left_in_a_model_config_is_an_error_naming_it(tmp_path, knob):
    path = tmp_path / "two_tower.yaml"
    path.write_text(f"training:\n  {knob}\n")
    with pytest.raises(ConfigError, match=knob.split(":")[0]):
        load_config(path, TwoTowerConfig)
