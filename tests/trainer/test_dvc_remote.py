"""The repository's DVC remote on the artifact bucket (the harness S3 server): `dvc push`, then
`dvc pull` in a fresh clone restores the processed data and the models byte for byte. The
committed `.dvc/config` is used as is; the server and keys come from the environment, as the
README and compose give them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.harness.s3 import CREDENTIALS
from tests.trainer.dvc_workspace import REPO, dvc, dvc_env, git, make_workspace

pytestmark = pytest.mark.slow

STAGES = ("two_tower_training", "baselines")  # a trained model and a baseline, with `prepare`
RESTORED = ("data/processed",) + tuple(
    f"models/{model}/{name}"
    for model in ("two_tower", "popularity")
    for name in ("model.pth", "config.yaml", "metrics.json", "history.json")
)


def files_under(root: Path, relative: str) -> dict[str, bytes]:
    path = root / relative
    paths = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return {str(p.relative_to(root)): p.read_bytes() for p in paths}


def test_push_then_pull_in_a_fresh_clone_restores_data_and_models(tmp_path, s3):
    assert s3.bucket == "mlflow-artifacts"  # the bucket .dvc/config names
    root = make_workspace(tmp_path / "ws")
    shutil.copy(REPO / ".dvc" / "config", root / ".dvc" / "config")
    env = {**dvc_env(None, "unused", root), **CREDENTIALS, "AWS_ENDPOINT_URL_S3": s3.url}
    dvc(root, env, "repro", *STAGES)
    git(root, "add", "dvc.lock", ".dvc/config")
    git(root, "commit", "-qm", "trained")
    pushed = dvc(root, env, "push")
    assert "pushed" in pushed.stdout
    keys = [
        o["Key"] for o in s3.client().list_objects_v2(Bucket=s3.bucket, Prefix="dvc/")["Contents"]
    ]
    assert keys and all(key.startswith("dvc/files/md5/") for key in keys)

    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(root), str(clone))
    for relative in RESTORED:
        assert not (clone / relative).exists(), relative
    pulled = dvc(clone, env, "pull", *STAGES, "--with-deps")
    assert "added" in pulled.stdout
    for relative in RESTORED:
        original = files_under(root, relative)
        assert original and files_under(clone, relative) == original, relative
    assert "up to date" in dvc(clone, env, "status", *STAGES).stdout
