"""The compose stack as README tells a user to run it, in a throwaway copy of this checkout.

The copy gets `.env` from `.env.example` with every `change-me` value replaced by a generated
secret, the demo-sized training configs, and an override file that publishes every published
port on 127.0.0.1 at a free port (so nothing here needs 5000/5001/8080). Commands run in the copy:
`docker compose up -d --wait`, `make train`, `docker compose down`, ...
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import time
from pathlib import Path

import requests
import yaml
from movie_genie_trainer.config import merge_configs

from tests.harness.compose_config import EXAMPLE_CONFIG_ARGS
from tests.harness.process import free_port

REPO = Path(__file__).resolve().parents[2]
OVERRIDE = "compose.stage.yml"
# Demo-sized training by default; COMPOSE_STAGE_CONFIGS=configs/smoke for a quicker look.
SIZED_CONFIGS = os.environ.get("COMPOSE_STAGE_CONFIGS", "configs/demo")
TRAINER_UID = 10001  # the trainer image's user: owns the copy when the stage runs as root


def copy_checkout(target: Path) -> None:
    """Tracked and untracked-but-not-ignored files, committed in a new git repo (DVC needs one)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    for config in sorted((target / SIZED_CONFIGS).glob("*.yaml")):
        base = target / "configs" / config.name
        merged = merge_configs(base, config)  # as the demo does (scripts/demo_pipeline.py)
        base.write_text(
            f"# merged with {SIZED_CONFIGS}/{config.name}\n"
            + yaml.safe_dump(merged, sort_keys=False)
        )
    git = ["git", "-c", "user.name=compose-stage", "-c", "user.email=stage@localhost"]
    subprocess.run([*git, "init", "-q"], cwd=target, check=True)
    subprocess.run([*git, "add", "-A"], cwd=target, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "compose stage snapshot"], cwd=target, check=True)


def write_env(target: Path, extra: dict[str, str]) -> dict[str, str]:
    """`.env` from `.env.example`, each placeholder replaced by a fresh URL-safe secret."""
    values: dict[str, str] = {}
    lines = []
    for line in (target / ".env.example").read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith("#"):
            if value.startswith("change-me"):
                value = secrets.token_urlsafe(18)
            values[key.strip()] = value
            line = f"{key}={value}"
        lines.append(line)
    lines += [f"{key}={value}" for key, value in extra.items()]
    (target / ".env").write_text("\n".join(lines) + "\n")
    (target / ".env").chmod(0o600)
    return {**values, **extra}


class ComposeStack:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        # scripts/compose-stage.sh names the project, to find and remove what it made.
        self.project = os.environ.get("COMPOSE_STAGE_PROJECT") or f"mg-stage-{secrets.token_hex(3)}"
        self.env = {
            **os.environ,
            "COMPOSE_PROJECT_NAME": self.project,
            "COMPOSE_FILE": f"docker-compose.yml:{OVERRIDE}",
        }
        self.ports: dict[str, int] = {}
        self.builders: list[str] = []  # one service per image built (minio-init shares one)
        self.settings: dict[str, str] = {}

    # -- commands -------------------------------------------------------------------------
    def run(self, *command: str, timeout: float = 1200) -> subprocess.CompletedProcess:
        print(f"$ {' '.join(command)}", flush=True)
        result = subprocess.run(
            command, cwd=self.workdir, env=self.env, timeout=timeout, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise AssertionError(
                f"{' '.join(command)} exited {result.returncode}:\n"
                f"{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
            )
        return result

    def compose(self, *args: str, timeout: float = 1200) -> subprocess.CompletedProcess:
        return self.run("docker", "compose", *args, timeout=timeout)

    # -- setup ----------------------------------------------------------------------------
    def prepare(self) -> None:
        copy_checkout(self.workdir)
        published, built = self._published_targets()
        self.ports = {service: free_port() for service in published}
        mlflow = f"127.0.0.1:{self.ports['mlflow-server']}"
        self.settings = write_env(
            self.workdir,
            {
                "MLFLOW_ALLOWED_HOSTS": f"{mlflow},localhost:{self.ports['mlflow-server']},"
                "mlflow-server,mlflow-server:5000",
                "MLFLOW_UI_URL": f"http://{mlflow}",
            },
        )
        self._write_override(published, built)
        self.builders = sorted({image: name for name, image in sorted(built.items())}.values())
        if os.geteuid() == 0:  # `make train` runs the trainer as the owner of the checkout
            subprocess.run(
                ["chown", "-R", f"{TRAINER_UID}:{TRAINER_UID}", str(self.workdir)], check=True
            )

    def _published_targets(self) -> tuple[dict[str, list[int]], dict[str, str]]:
        """From the config with the example env (the real .env does not exist yet): the ports
        each service publishes, and the image each built service is tagged as."""
        config = json.loads(
            self.run("docker", "compose", "-f", "docker-compose.yml", *EXAMPLE_CONFIG_ARGS).stdout
        )
        services = config["services"]
        published = {
            name: [int(port["target"]) for port in service["ports"]]
            for name, service in services.items()
            if service.get("ports")
        }
        built = {
            name: service["image"] for name, service in services.items() if service.get("build")
        }
        return published, built

    def _write_override(self, published: dict[str, list[int]], built: dict[str, str]) -> None:
        lines = [
            "# Written by the compose test stage: loopback ports, images tagged under the",
            "# stage's project (a user's own movie-genie/* images stay untouched), local",
            "# torch wheels.",
            "services:",
        ]
        for service in sorted(published.keys() | built.keys()):
            lines.append(f"  {service}:")
            if service in published:
                targets = published[service]
                assert len(targets) == 1, f"{service} publishes {targets}"
                lines.append(
                    f'    ports: !override ["127.0.0.1:{self.ports[service]}:{targets[0]}"]'
                )
            if service in built:
                lines.append(f"    image: {self.project}/{built[service].split('/')[-1]}")
            if service in ("trainer", "recommender"):
                # The torch images' builds reach the stage's wheel server on the host's loopback.
                lines += ["    build:", "      network: host"]
        (self.workdir / OVERRIDE).write_text("\n".join(lines) + "\n")

    # -- addresses ------------------------------------------------------------------------
    @property
    def web(self) -> str:
        return f"http://127.0.0.1:{self.ports['frontend']}"

    @property
    def mlflow(self) -> str:
        return f"http://127.0.0.1:{self.ports['mlflow-server']}"

    def secret_values(self) -> list[str]:
        return [
            value
            for key, value in self.settings.items()
            if any(word in key for word in ("PASSWORD", "TOKEN", "SECRET"))
        ]

    def api(self, path: str, **params) -> requests.Response:
        return requests.get(f"{self.web}/api{path}", params=params, timeout=30)

    def wait_for_api(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.api("/models/runs", limit=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(1)
        raise TimeoutError(f"{self.web}/api did not answer within {timeout:.0f} s")

    def container_ids(self) -> list[str]:
        return self.compose("ps", "-q").stdout.split()

    def image_names(self) -> list[str]:
        config = json.loads(self.compose("--profile", "train", "config", "--format", "json").stdout)
        return sorted({service["image"] for service in config["services"].values()})
