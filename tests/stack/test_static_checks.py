"""Static checks of what cannot run here (no Docker engine): compose config and Dockerfiles."""

from __future__ import annotations

import glob
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILES = sorted(REPO.glob("services/*/Dockerfile"))


def compose(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in read_env_example()}
    return subprocess.run(
        [str(BIN / "docker-compose"), "-f", str(COMPOSE_FILE), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**clean, **(env or {})},
    )


def read_env_example() -> dict[str, str]:
    pairs = {}
    for line in (REPO / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def test_compose_config_passes_with_env_example():
    result = compose("--env-file", ".env.example", "config", "-q")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "secret",
    [
        "POSTGRES_PASSWORD",
        "MINIO_ROOT_PASSWORD",
        "MLFLOW_AUTH_ADMIN_PASSWORD",
        "MLFLOW_TRAINER_PASSWORD",
        "MLFLOW_METRICS_API_PASSWORD",
        "ARTIFACT_SECRET_KEY",
    ],
)
def test_compose_config_fails_naming_a_missing_secret(secret, tmp_path):
    partial = {k: v for k, v in read_env_example().items() if k != secret}
    env_file = tmp_path / ".env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in partial.items()))
    result = compose("--env-file", str(env_file), "config", "-q")
    assert result.returncode != 0
    assert secret in result.stderr and ".env" in result.stderr


def resolved_compose() -> dict:
    result = compose("--env-file", ".env.example", "config", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_only_mlflow_ui_and_dashboard_are_published_on_loopback():
    ports = [
        port
        for service in resolved_compose()["services"].values()
        for port in service.get("ports", [])
    ]
    assert {int(port["published"]) for port in ports} == {5000, 8080}  # the API: via nginx /api
    assert {port["host_ip"] for port in ports} == {"127.0.0.1"}


def test_no_default_passwords_in_compose_file():
    text = COMPOSE_FILE.read_text()
    for key, value in read_env_example().items():
        if "PASSWORD" in key or "TOKEN" in key or "SECRET" in key:
            assert value not in text


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.parent.name)
def test_hadolint_passes(dockerfile):
    result = subprocess.run(
        [str(BIN / "hadolint"), str(dockerfile)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def build_contexts() -> dict[Path, Path]:
    """Dockerfile -> build context, from compose where a service builds it, else its folder."""
    contexts = {dockerfile: dockerfile.parent for dockerfile in DOCKERFILES}
    raw = yaml.safe_load(COMPOSE_FILE.read_text())
    for service in raw["services"].values():
        build = service.get("build")
        if build is None:
            continue
        if isinstance(build, str):
            build = {"context": build}
        context = (REPO / build.get("context", ".")).resolve()
        contexts[(context / build.get("dockerfile", "Dockerfile")).resolve()] = context
    return contexts


def copy_sources(dockerfile: Path) -> list[str]:
    sources, lines = [], dockerfile.read_text().replace("\\\n", " ").splitlines()
    for line in lines:
        words = line.strip().split(maxsplit=1)
        if len(words) < 2 or words[0].upper() not in ("COPY", "ADD"):
            continue
        rest = words[1].strip()
        args = json.loads(rest) if rest.startswith("[") else shlex.split(rest)
        if any(a.startswith("--from") for a in args):
            continue  # copied from another build stage, not from the context
        args = [a for a in args if not a.startswith("--")]
        sources.extend(args[:-1])
    return sources


def test_every_copy_source_exists_in_its_build_context():
    assert DOCKERFILES, "no Dockerfiles found"
    checked = 0
    for dockerfile, context in build_contexts().items():
        for source in copy_sources(dockerfile):
            assert glob.glob(str(context / source)), f"{dockerfile}: COPY {source} not in {context}"
            checked += 1
    assert checked > 0


def instructions(dockerfile: Path) -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments and blanks left out."""
    joined = dockerfile.read_text().replace("\\\n", " ")
    lines = (" ".join(line.split()) for line in joined.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def prefix_through(steps: list[str], marker: str) -> list[str]:
    ends = [i for i, step in enumerate(steps) if marker in step]
    assert ends, f"no instruction containing {marker!r}"
    return steps[: ends[0] + 1]


PYTHON_DOCKERFILES = [d for d in DOCKERFILES if "FROM ${PYTHON_IMAGE}" in d.read_text()]
TORCH_DOCKERFILES = [REPO / "services/trainer/Dockerfile", REPO / "services/recommender/Dockerfile"]


def test_every_python_image_starts_with_the_same_uv_layer():
    # BuildKit builds an identical prefix once for all images (the compose stage builds them
    # side by side): a drift here only costs build time, so it is caught here.
    assert len(PYTHON_DOCKERFILES) == 4, PYTHON_DOCKERFILES
    prefixes = {str(d): prefix_through(instructions(d), "uv==") for d in PYTHON_DOCKERFILES}
    assert len({tuple(p) for p in prefixes.values()}) == 1, prefixes


def test_the_torch_images_share_their_torch_layer_and_pin_the_requirements_torch():
    prefixes = [
        prefix_through(instructions(d), "uv pip install --index-url") for d in TORCH_DOCKERFILES
    ]
    assert prefixes[0] == prefixes[1], prefixes
    (arg,) = [step for step in prefixes[0] if step.startswith("ARG TORCH_VERSION=")]
    for dockerfile in TORCH_DOCKERFILES:
        pins = (dockerfile.parent / "requirements.txt").read_text().splitlines()
        assert f"torch=={arg.split('=', 1)[1]}" in pins, dockerfile


@pytest.mark.parametrize("service", ["metrics-api", "mlflow-server", "recommender"])
def test_every_image_that_refuses_weak_secrets_carries_the_one_rule(service):
    """Their start code imports secret_rule (services/secret-rule), outside their own folder:
    the image builds from the repository root and copies it."""
    dockerfile = REPO / "services" / service / "Dockerfile"
    copies = [line for line in dockerfile.read_text().splitlines() if line.startswith("COPY")]
    assert any("services/secret-rule/secret_rule.py" in line for line in copies), dockerfile
    raw = yaml.safe_load(COMPOSE_FILE.read_text())
    builds = [
        spec["build"] for spec in raw["services"].values() if isinstance(spec.get("build"), dict)
    ]
    mine = [b for b in builds if b.get("dockerfile") == f"services/{service}/Dockerfile"]
    assert mine and all(b.get("context") == "." for b in mine), (
        f"{service}: not built from the root"
    )
