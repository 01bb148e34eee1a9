"""How this machine runs training: device, CPU threads, progress bar (pydantic-settings).

These are not hyperparameters, so they live in the environment and not in the DVC-tracked
configs: changing them retrains nothing. ``MOVIE_GENIE_DEVICE`` (auto | cpu | cuda),
``MOVIE_GENIE_NUM_THREADS`` (torch CPU threads; 0 = torch's default),
``MOVIE_GENIE_PROGRESS_BAR`` (true | false; unset: only on a terminal).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class MachineSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MOVIE_GENIE_", frozen=True)

    device: Literal["auto", "cpu", "cuda"] = "auto"
    # One thread: the models' matrices are small, and 2 threads thrash on shared 2-core machines.
    num_threads: int = Field(1, ge=0)
    progress_bar: bool | None = None


def machine() -> MachineSettings:
    return MachineSettings()
