"""MLflow basic-auth: the auth config file, the roles, and the accounts `.env` defines.

Runs before the server starts, straight on the auth store (the same database as the runs, its own
tables), so the server never answers while an account it needs is missing. Idempotent: every start
(re)creates the roles and sets the admin's and service accounts' passwords from the environment,
which makes `.env` the one place to rotate them.

Roles (MLflow grants on every experiment / registered model, pattern ``*``):
  viewer       READ experiments and registered models
  editor       EDIT both: log runs, register versions, move aliases (promote); no deletes
  maintainer   MANAGE both: also delete and grant
  trainer      service account of `make train`: EDIT both (create runs, register versions)
  metrics-api  service account of the API: READ experiments, EDIT registered models (the alias)
MLflow cannot narrow further: in its model, moving an alias and creating a version both need EDIT on
the registered model, and any signed-in user may create a new experiment or registered model of
their own (and manages only that one).
"""

from __future__ import annotations

import configparser
import os
from dataclasses import dataclass
from pathlib import Path

from secrets_check import check_secret

WORKSPACE = "default"  # MLflow's workspace while workspaces are off
EXPERIMENT, MODEL = "experiment", "registered_model"
ROLES: dict[str, dict[str, str]] = {
    "viewer": {EXPERIMENT: "READ", MODEL: "READ"},
    "editor": {EXPERIMENT: "EDIT", MODEL: "EDIT"},
    "maintainer": {EXPERIMENT: "MANAGE", MODEL: "MANAGE"},
    "trainer": {EXPERIMENT: "EDIT", MODEL: "EDIT"},
    "metrics-api": {EXPERIMENT: "READ", MODEL: "EDIT"},
}
PERSON_ROLES = ("viewer", "editor", "maintainer", "admin")


@dataclass(frozen=True)
class ServiceAccount:
    username_var: str
    password_var: str
    default_username: str
    role: str


SERVICE_ACCOUNTS = (
    ServiceAccount("MLFLOW_TRAINER_USERNAME", "MLFLOW_TRAINER_PASSWORD", "trainer", "trainer"),
    ServiceAccount(
        "MLFLOW_METRICS_API_USERNAME", "MLFLOW_METRICS_API_PASSWORD", "metrics-api", "metrics-api"
    ),
)


def auth_enabled(env: dict[str, str]) -> bool:
    return env.get("MLFLOW_AUTH", "false").lower() in ("1", "true", "yes")


def check_auth_secrets(env: dict[str, str]) -> None:
    """Admin password and the CSRF key of the auth app's forms always; a service account's
    password when it is set (unset: no such account)."""
    check_secret("MLFLOW_AUTH_ADMIN_PASSWORD", env.get("MLFLOW_AUTH_ADMIN_PASSWORD"))
    check_secret("MLFLOW_FLASK_SERVER_SECRET_KEY", env.get("MLFLOW_FLASK_SERVER_SECRET_KEY"))
    for account in SERVICE_ACCOUNTS:
        if account.password_var in env:
            check_secret(account.password_var, env[account.password_var])


def write_config(path: Path, database_uri: str, env: dict[str, str]) -> Path:
    """basic_auth.ini: no default permission (a user sees what a role grants), the user store in
    ``database_uri``, and cached credential checks (PBKDF2 costs ~0.5 s per uncached request)."""
    config = configparser.ConfigParser()
    config["mlflow"] = {
        "default_permission": "NO_PERMISSIONS",
        "database_uri": database_uri,
        "admin_username": env.get("MLFLOW_AUTH_ADMIN_USERNAME", "admin"),
        "authorization_function": "mlflow.server.auth:authenticate_request_basic_auth",
        "auth_cache_ttl_seconds": env.get("MLFLOW_AUTH_CACHE_TTL_SECONDS", "300"),
        "auth_cache_max_size": "10000",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
        config.write(handle)
    return path


def _store(database_uri: str):
    from mlflow.server.auth.sqlalchemy_store import SqlAlchemyStore

    store = SqlAlchemyStore()
    store.init_db(database_uri)  # runs the auth tables' own migrations
    return store


def _ensure_role(store, name: str) -> int:
    from mlflow.exceptions import MlflowException

    try:
        role = store.get_role_by_name(WORKSPACE, name)
    except MlflowException:
        role = store.create_role(name, WORKSPACE, description=f"movie-genie {name}")
    have = {(p.resource_type, p.resource_pattern): p for p in store.list_role_permissions(role.id)}
    for resource_type, permission in ROLES[name].items():
        grant = have.get((resource_type, "*"))
        if grant is None:
            store.add_role_permission(role.id, resource_type, "*", permission)
        elif grant.permission != permission:
            store.update_role_permission(grant.id, permission)
    return role.id


def _ensure_user(store, username: str, password: str, is_admin: bool = False):
    if store.has_user(username, use_primary=True):
        return store.update_user(username, password=password, is_admin=is_admin)
    return store.create_user(username, password, is_admin=is_admin)


def _ensure_assignment(store, user, role_id: int) -> None:
    if role_id not in {r.id for r in store.list_user_roles(user.id)}:
        store.assign_role_to_user(user.id, role_id)


def provision(database_uri: str, env: dict[str, str]) -> list[str]:
    """Roles, the admin and every configured service account; returns a line per account."""
    store = _store(database_uri)
    try:
        role_ids = {name: _ensure_role(store, name) for name in ROLES}
        admin = env.get("MLFLOW_AUTH_ADMIN_USERNAME", "admin")
        _ensure_user(store, admin, env["MLFLOW_AUTH_ADMIN_PASSWORD"], is_admin=True)
        done = [f"{admin} (admin)"]
        for account in SERVICE_ACCOUNTS:
            if account.password_var not in env:
                continue
            username = env.get(account.username_var) or account.default_username
            user = _ensure_user(store, username, env[account.password_var])
            _ensure_assignment(store, user, role_ids[account.role])
            done.append(f"{username} ({account.role})")
        return done
    finally:
        store.engine.dispose()


def seed_resources(url: str, env: dict[str, str], experiment: str, models: list[str]) -> None:
    """Create the team's experiment and registered models as the admin, once the server answers.
    Whoever creates one in MLflow manages it: made by a service account, the trainer could delete
    the experiment; made by the admin, every account has exactly what its role grants."""
    from mlflow.exceptions import MlflowException
    from mlflow.store.model_registry.rest_store import RestStore as RegistryStore
    from mlflow.store.tracking.rest_store import RestStore as TrackingStore
    from mlflow.utils.rest_utils import MlflowHostCreds

    creds = MlflowHostCreds(
        url,
        username=env.get("MLFLOW_AUTH_ADMIN_USERNAME", "admin"),
        password=env["MLFLOW_AUTH_ADMIN_PASSWORD"],
    )
    tracking, registry = TrackingStore(lambda: creds), RegistryStore(lambda: creds)
    if experiment and tracking.get_experiment_by_name(experiment) is None:
        tracking.create_experiment(experiment)
    for name in models:
        try:
            registry.get_registered_model(name)
        except MlflowException as error:
            if error.error_code != "RESOURCE_DOES_NOT_EXIST":
                raise
            registry.create_registered_model(name)
