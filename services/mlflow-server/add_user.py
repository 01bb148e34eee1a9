"""Add a person's account to the tracking server with a role (`make add-user`).

    MLFLOW_TRACKING_URI=http://localhost:5000 MLFLOW_TRACKING_USERNAME=admin \\
    MLFLOW_TRACKING_PASSWORD=... python add_user.py alice editor

Roles: viewer, editor, maintainer (see accounts.py), or admin. Talks to the server's REST API as
an admin through MLflow's own AuthServiceClient. The password comes from NEW_USER_PASSWORD, or a
strong one is generated and printed once. An existing user keeps their password and gains the role.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys

from accounts import PERSON_ROLES, WORKSPACE
from mlflow.exceptions import MlflowException
from mlflow.server.auth.client import AuthServiceClient
from secrets_check import WeakSecret, check_secret


def add_user(tracking_uri: str, username: str, role: str, password: str) -> bool:
    """Returns True when the account was created, False when it existed (role added)."""
    client = AuthServiceClient(tracking_uri)
    created = True
    try:
        client.create_user(username, password)
    except MlflowException as error:
        if error.error_code != "RESOURCE_ALREADY_EXISTS":
            raise
        created = False
    if role == "admin":
        client.update_user_admin(username, True)
        return created
    role_id = next(r.id for r in client.list_roles(WORKSPACE) if r.name == role)
    if role_id not in {r.id for r in client.list_user_roles(username)}:
        client.assign_role(username, role_id)
    return created


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("username")
    parser.add_argument("role", choices=PERSON_ROLES)
    args = parser.parse_args()
    uri = os.environ.get("MLFLOW_TRACKING_URI")
    if not uri or not os.environ.get("MLFLOW_TRACKING_PASSWORD"):
        print(
            "add_user: set MLFLOW_TRACKING_URI, MLFLOW_TRACKING_USERNAME and "
            "MLFLOW_TRACKING_PASSWORD (an admin's)",
            file=sys.stderr,
        )
        return 2
    generated = "NEW_USER_PASSWORD" not in os.environ
    password = os.environ.get("NEW_USER_PASSWORD") or secrets.token_urlsafe(18)
    try:
        check_secret("NEW_USER_PASSWORD", password)
        created = add_user(uri, args.username, args.role, password)
    except WeakSecret as error:
        print(f"add_user: {error}", file=sys.stderr)
        return 2
    except MlflowException as error:
        print(f"add_user: {error.message}", file=sys.stderr)
        return 1
    if created:
        print(
            f"created {args.username} ({args.role})"
            + (f"; password: {password}" if generated else "")
        )
    else:
        print(f"{args.username} exists; role {args.role} granted (password unchanged)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
