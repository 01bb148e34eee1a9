"""The secured tracking server (basic-auth on Postgres + S3) with a world to attack, and a person
with the viewer role added by the same command as `make add-user`."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import uuid

import pytest

from tests.harness.mlflow_server import ENTRYPOINT
from tests.security import world as world_module

ADD_USER = ENTRYPOINT.parent / "add_user.py"


def add_person(server, role: str) -> tuple[str, str]:
    """`make add-user` as the admin would run it; returns the person's credentials."""
    username, password = f"{role}-{uuid.uuid4().hex[:6]}", secrets.token_urlsafe(18)
    admin = server.accounts.admin
    env = {
        **os.environ,
        "MLFLOW_TRACKING_URI": server.url,
        "MLFLOW_TRACKING_USERNAME": admin[0],
        "MLFLOW_TRACKING_PASSWORD": admin[1],
        "NEW_USER_PASSWORD": password,
    }
    result = subprocess.run(
        [sys.executable, str(ADD_USER), username, role],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert f"created {username} ({role})" in result.stdout and password not in result.stdout
    return username, password


@pytest.fixture(scope="module")
def world(secured_mlflow_server):
    accounts = secured_mlflow_server.accounts
    return world_module.build(secured_mlflow_server.url, accounts.admin, accounts.trainer)


@pytest.fixture(scope="module")
def viewer(secured_mlflow_server):
    return add_person(secured_mlflow_server, "viewer")
