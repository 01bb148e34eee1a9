"""`dvc repro` of the real pipeline (smoke configs) against the harness MLflow server on
Postgres + S3: every tag, param, metric and artifact of the logging contract, for both models and
the baseline; a no-op second repro, also with every machine knob changed; one changed param
reruns only its stage."""

from __future__ import annotations

import json
import subprocess
import uuid

import pytest
import torch
import yaml
from mlflow.tracking import MlflowClient
from movie_genie_trainer.model_store import DATA_DIR, DIGEST_TAG, load_registered_model

from tests.trainer.dvc_workspace import dvc, dvc_env, make_workspace

pytestmark = pytest.mark.slow

STAGES = {
    "two-tower": ("two_tower_training", "two_tower", "retrieval", "movie-genie-two-tower"),
    "bert4rec": ("bert4rec_training", "bert4rec", "ranking", "movie-genie-bert4rec"),
    "popularity": ("baselines", "popularity", "baseline", None),
    "ease": ("ease_baseline", "ease", "baseline", None),
}
PER_EPOCH = ("train_loss", "val_loss", "learning_rate", "val_recall_at_10", "val_ndcg_at_10")
FINAL = tuple(f"{m}_at_{k}" for m in ("recall", "ndcg", "coverage") for k in (10, 50, 100)) + (
    "num_users",
    "num_movies",
    "num_interactions",
    "total_parameters",
    "training_time_seconds",
)


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory, mlflow_server):
    root = make_workspace(tmp_path_factory.mktemp("pipeline") / "ws")
    experiment = f"test-pipeline-{uuid.uuid4().hex[:8]}"
    env = dvc_env(mlflow_server.url, experiment, root)
    first = dvc(root, env, "repro")
    return {
        "root": root,
        "env": env,
        "experiment": experiment,
        "first": first,
        "client": MlflowClient(mlflow_server.url),
    }


def runs_of(pipeline) -> list:
    client = pipeline["client"]
    experiment = client.get_experiment_by_name(pipeline["experiment"])
    if not experiment:
        return []
    return client.search_runs([experiment.experiment_id], order_by=["attributes.start_time DESC"])


def test_repro_logs_the_whole_contract_for_every_model(pipeline, tracking_uri, tmp_path):
    root, client = pipeline["root"], pipeline["client"]
    runs: dict = {}
    for run in runs_of(pipeline):  # newest first: a rerun by another test wrote models/ last
        runs.setdefault(run.data.tags["model_name"], run)
    assert sorted(runs) == sorted(STAGES)
    lock = yaml.safe_load((root / "dvc.lock").read_text())
    processed = next(o for o in lock["stages"]["prepare"]["outs"] if o["path"] == "data/processed")
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root, text=True, capture_output=True, check=True
    ).stdout.strip()
    for model_name, (stage, folder, model_type, registered) in STAGES.items():
        run, out = runs[model_name], root / "models" / folder
        assert run.info.status == "FINISHED", model_name
        assert run.info.run_name.startswith(f"{model_name}-")
        assert run.info.artifact_uri.startswith("mlflow-artifacts:")
        tags = run.data.tags
        assert {
            k: tags[k]
            for k in (
                "model_type",
                "model_name",
                "framework",
                "status",
                "dvc_pipeline",
                "dvc_stage",
                "git_commit",
                "data_version",
                "dataset",
            )
        } == {
            "model_type": model_type,
            "model_name": model_name,
            "framework": "pytorch",
            "status": "inactive",
            "dvc_pipeline": "true",
            "dvc_stage": stage,
            "git_commit": head,
            "data_version": f"md5:{processed['md5']}",
            "dataset": "ml-100k-smoke",
        }

        config = yaml.safe_load((out / "config.yaml").read_text())
        assert run.data.params["evaluation.ks"] == str(config["evaluation"]["ks"])
        assert run.data.params["data.preprocessing.max_users"] == "60"
        assert run.data.params["dataset.num_movies"] == "1126"
        for section in ("model", "training"):
            for key, value in (config.get(section) or {}).items():
                assert run.data.params[f"{section}.{key}"] == str(value), (model_name, key)

        history = json.loads((out / "history.json").read_text())
        for name in PER_EPOCH:
            points = client.get_metric_history(run.info.run_id, name)
            per_epoch = sorted(
                (m.step, m.value)
                for m in points
                if name not in FINAL or m.value == pytest.approx(history[m.step - 1][name])
            )
            assert [s for s, _ in per_epoch][: len(history)] == [h["epoch"] for h in history]
        for name in ("train_loss", "val_loss", "learning_rate"):
            steps = [m.step for m in client.get_metric_history(run.info.run_id, name)]
            assert sorted(steps) == [h["epoch"] for h in history], (model_name, name)
        final = json.loads((out / "metrics.json").read_text())
        for name in FINAL:
            assert run.data.metrics[name] == pytest.approx(final[name]), (model_name, name)
            # test metrics are logged once, never per epoch
            assert len(client.get_metric_history(run.info.run_id, name)) == 1, name

        artifacts = {a.path for a in client.list_artifacts(run.info.run_id)}
        assert {"model.pth", "metrics.json", "history.json", "config.yaml"} <= artifacts
        fetched = client.download_artifacts(run.info.run_id, "metrics.json", str(tmp_path))
        assert json.loads(open(fetched).read()) == final

        versions = client.search_model_versions(f"run_id = '{run.info.run_id}'")
        if registered:
            assert [v.name for v in versions] == [registered]
            logged = client.search_logged_models(
                [run.info.experiment_id], filter_string=f"source_run_id = '{run.info.run_id}'"
            )
            assert len(logged) == 1 and logged[0].tags["model_type"] == model_type
            assert versions[0].source == f"models:/{logged[0].model_id}"
            model_id = logged[0].model_id
            files = {a.path for a in client.list_logged_model_artifacts(model_id)}
            assert files == {"MLmodel", DATA_DIR}  # servable by `mlflow models serve`
            data = {a.path for a in client.list_logged_model_artifacts(model_id, DATA_DIR)}
            # data only: no pickle
            assert data == {f"{DATA_DIR}/weights.safetensors", f"{DATA_DIR}/model.json"}
            assert versions[0].tags[DIGEST_TAG] == tags[DIGEST_TAG]
            model = load_registered_model(f"models:/{registered}/{versions[0].version}")
            trained = torch.load(out / "model.pth", weights_only=True)["state_dict"]
            assert model.state_dict().keys() == trained.keys()
            assert all(torch.equal(model.state_dict()[k], v) for k, v in trained.items())
        else:
            assert versions == []


def test_dvc_metrics_params_and_plots_commands_work(pipeline):
    root, env = pipeline["root"], pipeline["env"]
    shown = json.loads(dvc(root, env, "metrics", "show", "--json").stdout)
    metrics = next(iter(shown.values()))["data"]
    assert set(metrics) == {f"models/{f}/metrics.json" for _, f, _, _ in STAGES.values()}
    assert "configs/bert4rec.yaml" in json.loads(
        dvc(root, env, "params", "diff", "--all", "--json").stdout
    )
    dvc(root, env, "plots", "show", "-o", "plots")
    assert "two_tower/history.json" in (root / "plots" / "index.html").read_text()


def test_unchanged_repro_runs_nothing_and_one_param_reruns_one_stage(pipeline):
    root, env = pipeline["root"], pipeline["env"]
    before = {run.info.run_id for run in runs_of(pipeline)}
    # Machine knobs (movie_genie_trainer.machine) are not DVC params: they retrain nothing.
    knobs = {
        **env,
        "MOVIE_GENIE_NUM_THREADS": "2",
        "MOVIE_GENIE_PROGRESS_BAR": "true",
        "MOVIE_GENIE_DEVICE": "cpu",
    }
    assert "Data and pipelines are up to date" in dvc(root, knobs, "status").stdout
    params = json.loads(dvc(root, env, "params", "diff", "--all", "--json").stdout)
    assert params["configs/two_tower.yaml"] and not any(
        key.endswith(("num_threads", "progress_bar", "device"))
        for changes in params.values()
        for key in changes
    )
    second = dvc(root, knobs, "repro")
    assert "Running stage" not in second.stdout
    assert "Data and pipelines are up to date" in second.stdout
    assert {run.info.run_id for run in runs_of(pipeline)} == before

    config_path = root / "configs" / "bert4rec.yaml"
    config = yaml.safe_load(config_path.read_text())
    config["training"]["learning_rate"] = 0.004
    config_path.write_text(yaml.safe_dump(config))
    third = dvc(root, env, "repro")
    assert [line for line in third.stdout.splitlines() if line.startswith("Running stage")] == [
        "Running stage 'bert4rec_training':"
    ]
    new = [run for run in runs_of(pipeline) if run.info.run_id not in before]
    assert [run.data.tags["model_name"] for run in new] == ["bert4rec"]
    assert new[0].data.params["training.learning_rate"] == "0.004"
    diff = json.loads(dvc(root, env, "params", "diff", "--json").stdout)
    assert diff["configs/bert4rec.yaml"]["training.learning_rate"]["new"] == 0.004
