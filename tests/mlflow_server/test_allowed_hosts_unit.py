"""The server's own loopback address stays allowed whatever MLFLOW_ALLOWED_HOSTS lists: the
entrypoint seeds the experiment and registered models through it (the compose stage caught a
team-style host list locking the seeding out with 403 "Invalid Host header")."""

from __future__ import annotations

import sys

from tests.harness.mlflow_server import ENTRYPOINT

sys.path.insert(0, str(ENTRYPOINT.parent))
from entrypoint import allowed_hosts, server_command  # noqa: E402


def hosts_flag(env: dict[str, str]) -> str | None:
    command = server_command(env)
    return command[command.index("--allowed-hosts") + 1] if "--allowed-hosts" in command else None


def test_a_team_host_list_gets_the_servers_own_loopback_added(tmp_path):
    env = {
        "MLFLOW_STATE_DIR": str(tmp_path),
        "MLFLOW_ALLOWED_HOSTS": "tracking.team:5000, mlflow-server",
    }
    assert hosts_flag(env) == "tracking.team:5000,mlflow-server,127.0.0.1:5000"


def test_a_list_that_has_it_is_kept_as_is_and_a_bound_host_is_used():
    env = {"MLFLOW_ALLOWED_HOSTS": "127.0.0.1:5000,localhost"}
    assert allowed_hosts(env) == "127.0.0.1:5000,localhost"
    bound = {"MLFLOW_ALLOWED_HOSTS": "team", "MLFLOW_HOST": "10.0.0.5", "MLFLOW_PORT": "15123"}
    assert allowed_hosts(bound) == "team,10.0.0.5:15123"


def test_unset_leaves_mlflows_own_defaults(tmp_path):
    assert hosts_flag({"MLFLOW_STATE_DIR": str(tmp_path)}) is None
    assert allowed_hosts({"MLFLOW_ALLOWED_HOSTS": " , "}) is None
