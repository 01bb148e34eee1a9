"""The entrypoint's schema step: `mlflow db upgrade` runs when the database is behind, not else."""

from __future__ import annotations

import sys

import pytest
import sqlalchemy
from alembic import command
from alembic.script import ScriptDirectory
from mlflow.store.db.base_sql_model import Base  # noqa: F401  (registers the tables)
from mlflow.store.db.utils import _get_alembic_config, _get_latest_schema_revision
from mlflow.store.tracking.dbmodels.initial_models import Base as InitialBase

from tests.harness.mlflow_server import ENTRYPOINT

sys.path.insert(0, str(ENTRYPOINT.parent))
from schema import schema_revision, upgrade_if_behind  # noqa: E402


@pytest.mark.slow  # runs every MLflow migration
def test_a_database_behind_this_mlflow_is_upgraded_once(tmp_path):
    uri = f"sqlite:///{tmp_path / 'old.db'}"
    assert schema_revision(uri) is None and upgrade_if_behind(uri) is False  # fresh: server's job
    # A database as an older MLflow left it: the initial tables, migrated to a revision before head.
    config = _get_alembic_config(uri)
    head = _get_latest_schema_revision()
    older = ScriptDirectory.from_config(config).get_revision(head).down_revision
    older = older[0] if isinstance(older, tuple) else older
    engine = sqlalchemy.create_engine(uri)
    InitialBase.metadata.create_all(engine)
    engine.dispose()
    command.upgrade(config, older)
    assert schema_revision(uri) == older

    assert upgrade_if_behind(uri) is True
    assert schema_revision(uri) == head
    assert upgrade_if_behind(uri) is False  # up to date: nothing runs
