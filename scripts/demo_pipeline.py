"""The demo's training step: `dvc repro` with demo-sized configs, logged to the demo's MLflow.

The pipeline runs in a DVC workspace under the demo state directory: the repository's dvc.yaml
and configs, each config merged (``merge_configs``, OmegaConf) with its namesake in
DEMO_CONFIG_DIR (default configs/demo, which holds only what the demo changes), and the services
folder linked in. DVC's lock file there makes a second `make demo` train nothing when nothing
changed. Once the pipeline is done, the process prints the URLs and waits, so that honcho keeps
the servers up until Ctrl-C.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import yaml
from movie_genie_trainer.config import merge_configs
from tenacity import Retrying, retry_if_exception_type, stop_after_delay, wait_fixed

REPO = Path(__file__).resolve().parents[1]


def sync(source: Path, target: Path) -> None:
    """Copy only when the content differs, so DVC sees an unchanged file as unchanged."""
    if not target.exists() or not filecmp.cmp(source, target, shallow=False):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def write_if_changed(text: str, target: Path) -> None:
    if not target.exists() or target.read_text() != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


def build_workspace(workspace: Path, config_dir: Path) -> None:
    workspace.mkdir(parents=True, exist_ok=True)
    services = workspace / "services"
    if not services.is_symlink():
        services.symlink_to(REPO / "services", target_is_directory=True)
    sync(REPO / "dvc.yaml", workspace / "dvc.yaml")
    for path in sorted((REPO / "configs").glob("*.yaml")):
        override = config_dir / path.name
        if not override.exists():
            sync(path, workspace / "configs" / path.name)
            continue
        merged = merge_configs(path, override)
        header = f"# {path.name} merged with {override.relative_to(REPO)}\n"
        write_if_changed(
            header + yaml.safe_dump(merged, sort_keys=False), workspace / "configs" / path.name
        )
    if not (workspace / ".dvc").is_dir():
        subprocess.run(["dvc", "init", "--no-scm", "-q"], cwd=workspace, check=True)


def wait_for(url: str, what: str, timeout: float) -> None:
    try:
        for attempt in Retrying(
            retry=retry_if_exception_type(OSError),
            stop=stop_after_delay(timeout),
            wait=wait_fixed(1),
            reraise=True,
        ):
            with attempt, urllib.request.urlopen(url, timeout=2):
                pass
    except OSError:
        sys.exit(f"demo: {what} did not answer at {url} within {timeout:.0f} s")


def main() -> int:
    state = Path(os.environ.get("DEMO_STATE_DIR", REPO / ".state" / "demo")).resolve()
    config_dir = (REPO / os.environ.get("DEMO_CONFIG_DIR", "configs/demo")).resolve()
    tracking_uri = os.environ["MLFLOW_TRACKING_URI"]
    workspace = state / "pipeline"
    wait_for(f"{tracking_uri}/health", "the tracking server", timeout=180)
    build_workspace(workspace, config_dir)
    print(
        f"demo: running the DVC pipeline in {workspace} with {config_dir.relative_to(REPO)}",
        flush=True,
    )
    result = subprocess.run(["dvc", "repro"], cwd=workspace)
    if result.returncode != 0:
        print(
            f"demo: the pipeline failed (exit {result.returncode}); see the output above",
            file=sys.stderr,
            flush=True,
        )
        return result.returncode
    web = f"http://localhost:{os.environ.get('WEB_PORT', '8080')}"
    api = f"http://localhost:{os.environ.get('METRICS_API_PORT', '5001')}"
    wait_for(f"{web}/", "the dashboard", timeout=60)
    (state / "READY").write_text(web + "\n")
    print(
        "\n".join(
            [
                "",
                "demo: ready. Models are trained and tracked.",
                f"  dashboard   {web}/metrics",
                f"  metrics API {api}/api/models/summary",
                f"  MLflow UI   {tracking_uri.replace('127.0.0.1', 'localhost')}",
                f"  sign in (MLflow UI, and the dashboard when promoting): user "
                f"{os.environ.get('MLFLOW_AUTH_ADMIN_USERNAME', 'admin')}, password "
                f"{os.environ.get('MLFLOW_AUTH_ADMIN_PASSWORD', '')}",
                f"  (kept in {state / 'credentials.env'}; more people: make add-user)",
                "Ctrl-C stops everything.",
                "",
            ]
        ),
        flush=True,
    )
    signal.pause()
    return 0


if __name__ == "__main__":
    sys.exit(main())
