"""Every compose service runs a command that some native test also runs (no Docker here).

For each service the effective command (compose's entrypoint/command, else the Dockerfile's
ENTRYPOINT + CMD, else the image's documented default) must equal the command the named test
runs natively, up to the interpreter's path and the container's /app prefix.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.harness.compose_config import EXAMPLE_CONFIG_ARGS

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# service -> (normalized command, the test file that runs it natively, a line of it that does)
NATIVE = {
    "postgres": (["postgres"], "tests/harness/postgres.py", '"postgres"), "-D"'),
    "minio-init": (
        ["python", "create_bucket.py"],
        "tests/mlflow_server/test_entrypoint.py",
        '"create_bucket.py"',
    ),
    "mlflow-server": (
        ["python", "entrypoint.py"],
        "tests/harness/mlflow_server.py",
        "[sys.executable, str(ENTRYPOINT)]",
    ),
    "metrics-api": (
        ["gunicorn", "-c", "gunicorn.conf.py", "metrics_api:create_app()"],
        "tests/harness/services.py",
        'Service("metrics-api", "metrics_api:create_app()"',
    ),
    "recommender": (
        ["gunicorn", "-c", "gunicorn.conf.py", "recommender_service:create_app()"],
        "tests/harness/services.py",
        'Service("recommender", "recommender_service:create_app()"',
    ),
    "frontend": (
        ["nginx", "-g", "daemon off;"],
        "services/frontend/nginx/native.py",
        '"-g", "daemon off;"',
    ),
    "trainer": (["dvc", "repro"], "tests/trainer/dvc_workspace.py", 'str(VENV_BIN / "dvc")'),
}
# Official images' own commands (their Dockerfiles are not in this repository).
IMAGE_DEFAULTS = {
    "postgres": ["postgres"],
    "nginxinc/nginx-unprivileged": ["nginx", "-g", "daemon off;"],
}
# MinIO cannot be installed here: the tests' S3 server is SeaweedFS (tests/harness/s3.py), and the
# compose stage runs the stack itself (tests/compose).
NOT_NATIVE = {"minio"}


def resolved_services() -> dict:
    result = subprocess.run(
        [str(BIN / "docker-compose"), *EXAMPLE_CONFIG_ARGS],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["services"]


def dockerfile_command(build: dict) -> tuple[list[str], list[str], str]:
    """ENTRYPOINT, CMD (exec form) and base image of the last stage of a service's Dockerfile
    (a base given as a build argument resolves to the argument's default)."""
    dockerfile = Path(build["context"]) / build.get("dockerfile", "Dockerfile")
    entrypoint, cmd, base, defaults = [], [], "", {}
    for line in dockerfile.read_text().replace("\\\n", " ").splitlines():
        word, _, rest = line.strip().partition(" ")
        if word == "ARG" and not base and "=" in rest:
            name, _, value = rest.partition("=")
            defaults[f"${{{name}}}"] = value
        elif word == "FROM":
            base, entrypoint, cmd = rest.split()[0], [], []
            base = defaults.get(base, base)
        elif word == "ENTRYPOINT":
            entrypoint = json.loads(rest)
        elif word == "CMD":
            cmd = json.loads(rest)
    return entrypoint, cmd, base


def effective_command(service: dict) -> list[str]:
    entrypoint, cmd, base = (
        dockerfile_command(service["build"]) if "build" in service else ([], [], service["image"])
    )
    entrypoint = service.get("entrypoint") or entrypoint
    cmd = service.get("command") or ([] if service.get("entrypoint") else cmd)
    if not entrypoint and not cmd:
        cmd = next(v for k, v in IMAGE_DEFAULTS.items() if base.split(":")[0] == k)
    return [*entrypoint, *cmd]


def normalize(command: list[str]) -> list[str]:
    return [Path(part).name if part.startswith("/") else part for part in command]


def test_every_service_has_a_native_counterpart():
    assert set(resolved_services()) - NOT_NATIVE == set(NATIVE)


@pytest.mark.parametrize("name", sorted(NATIVE))
def test_service_command_is_the_one_run_natively(name):
    expected, test_file, line = NATIVE[name]
    assert normalize(effective_command(resolved_services()[name])) == expected
    # Whitespace aside: a formatter may wrap the call over several lines.
    source = "".join((REPO / test_file).read_text().split())
    assert "".join(line.split()) in source, f"{test_file} no longer runs {expected}"


ONE_SHOT = {"minio-init", "trainer"}


@pytest.mark.parametrize("name", sorted(set(NATIVE) | NOT_NATIVE))
def test_services_have_healthchecks_and_wait_on_conditions(name):
    service = resolved_services()[name]
    if name not in ONE_SHOT:
        in_dockerfile = (
            "build" in service
            and "HEALTHCHECK"
            in (
                Path(service["build"]["context"]) / service["build"].get("dockerfile", "Dockerfile")
            ).read_text()
        )
        assert "healthcheck" in service or in_dockerfile, f"{name} has no healthcheck"
    for dependency, rule in service.get("depends_on", {}).items():
        wanted = "service_completed_successfully" if dependency in ONE_SHOT else "service_healthy"
        assert rule["condition"] == wanted, f"{name} -> {dependency}: {rule['condition']}"
