"""`mlflow db upgrade` when the tracking database's schema is behind this MLflow version.

A fresh database has no tables: the server creates them itself, so nothing is done then.
"""

from __future__ import annotations

import subprocess
import sys

import sqlalchemy
from mlflow.store.db.utils import _get_latest_schema_revision, _get_schema_version


def schema_revision(uri: str) -> str | None:
    """The database's alembic revision, or None when MLflow's tables do not exist yet."""
    engine = sqlalchemy.create_engine(uri, poolclass=sqlalchemy.pool.NullPool)
    try:
        if "experiments" not in sqlalchemy.inspect(engine).get_table_names():
            return None
        return _get_schema_version(engine)
    finally:
        engine.dispose()


def upgrade_if_behind(uri: str) -> bool:
    """Run ``mlflow db upgrade`` when the schema is older than the code; True when it ran."""
    current, head = schema_revision(uri), _get_latest_schema_revision()
    if current is None or current == head:
        return False
    print(
        f"mlflow-server: database schema {current} is behind {head}; running mlflow db upgrade "
        "(back the database up first on a shared server: README, 'Upgrades')",
        flush=True,
    )
    subprocess.run([sys.executable, "-m", "mlflow", "db", "upgrade", uri], check=True)
    return True
