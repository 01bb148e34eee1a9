"""Tracking settings, the contract helpers and lineage: pure functions, no server."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from movie_genie_trainer.tracking import contract, lineage
from movie_genie_trainer.tracking.settings import TrackingConfigError, load_settings

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith(("MLFLOW_", "MOVIE_GENIE_TRACKING_")):
            monkeypatch.delenv(name)


def test_the_repo_config_is_off_by_default_and_names_the_contract_experiment():
    settings = load_settings(REPO / "configs" / "mlflow.yaml")
    assert not settings.enabled
    assert settings.experiment_name == "movie-genie-models"
    assert settings.registered_models == {
        "two-tower": "movie-genie-two-tower",
        "bert4rec": "movie-genie-bert4rec",
    }


def test_the_mlflow_variables_switch_tracking_on_and_override_the_file(monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://tracking:5000")
    monkeypatch.setenv("MLFLOW_EXPERIMENT_NAME", "other")
    settings = load_settings(REPO / "configs" / "mlflow.yaml")
    assert settings.enabled and settings.tracking_uri == "http://tracking:5000"
    assert settings.experiment_name == "other"


def test_any_key_can_be_overridden_from_the_environment(monkeypatch, tmp_path):
    path = tmp_path / "mlflow.yaml"
    path.write_text("retry:\n  flush_timeout_seconds: 60\n  backoff_max_seconds: 4\n")
    monkeypatch.setenv("MOVIE_GENIE_TRACKING_RETRY__FLUSH_TIMEOUT_SECONDS", "5")
    settings = load_settings(path)
    assert settings.retry.flush_timeout_seconds == 5 and settings.retry.backoff_max_seconds == 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("experiment: x\n", "unknown key 'experiment'"),
        ("retry:\n  flush_timeout: 3\n", "unknown key 'retry.flush_timeout'"),
        ("retry:\n  backoff_max_seconds: -1\n", "'retry.backoff_max_seconds': Input should be"),
        ("enabled: true\n", "'enabled' is true but no 'tracking_uri'"),
        ("- a list\n", "expected a mapping"),
    ],
)
def test_a_bad_config_is_an_error_naming_the_key(tmp_path, text, message):
    path = tmp_path / "mlflow.yaml"
    path.write_text(text)
    with pytest.raises(TrackingConfigError, match=message):
        load_settings(path)


def test_params_are_flattened_with_dotted_prefixes():
    flat = contract.flatten_params(
        {
            "model": {"embedding_dim": 64, "towers": {"layers": 2}},
            "evaluation": {"ks": [10, 50]},
            "seed": 1,
        }
    )
    assert flat == {
        "model.embedding_dim": "64",
        "model.towers.layers": "2",
        "evaluation.ks": "[10, 50]",
        "seed": "1",
    }


def test_run_names_model_types_and_metric_names_follow_the_contract():
    assert contract.run_name("bert4rec", 0).startswith("bert4rec-19700101-")
    assert [contract.model_type(m) for m in ("two-tower", "bert4rec", "popularity")] == [
        "retrieval",
        "ranking",
        "baseline",
    ]
    with pytest.raises(ValueError, match="unknown model_name 'sasrec'"):
        contract.model_type("sasrec")
    assert contract.numeric_metrics({"recall@10": 1, "note": "x", "flag": True}) == {
        "recall_at_10": 1.0
    }


def test_the_data_version_is_the_hash_dvc_recorded(tmp_path):
    (tmp_path / "dvc.lock").write_text(
        "schema: '2.0'\nstages:\n  prepare:\n    outs:\n    - path: data/processed\n"
        "      hash: md5\n      md5: 0123abcd.dir\n"
    )
    assert lineage.data_version("data/processed", tmp_path) == "md5:0123abcd.dir"


def test_without_dvc_the_data_version_is_computed_and_follows_the_content(tmp_path):
    folder = tmp_path / "data" / "processed"
    folder.mkdir(parents=True)
    (folder / "train.parquet").write_bytes(b"one")
    first = lineage.data_version("data/processed", tmp_path)
    (folder / "train.parquet").write_bytes(b"two")
    assert first.startswith("sha256:") and lineage.data_version("data/processed", tmp_path) != first
    assert lineage.data_version("data/missing", tmp_path) == "unknown"


def test_git_commit_is_head_and_says_when_the_tree_is_dirty(tmp_path):
    assert lineage.git_commit(tmp_path) == ("unknown", False)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "f.txt").write_text("a")
    subprocess.run(["git", "add", "f.txt"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "c"], cwd=tmp_path, check=True)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert lineage.git_commit(tmp_path) == (head, False)
    (tmp_path / "f.txt").write_text("b")
    assert lineage.git_commit(tmp_path) == (head, True)
