"""A throwaway Postgres cluster from the machine's server binaries."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from .process import ManagedProcess, free_port, tcp_open

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


class PostgresCluster:
    """initdb once, then start/stop a postmaster on a free port. As root it runs as ``postgres``."""

    def __init__(self, database: str = "mlflow") -> None:
        # Its own folder right under /tmp: pytest's tmp folders are private to root (0700).
        self.root, self.database = Path(tempfile.mkdtemp(prefix="movie-genie-pg-")), database
        self.data_dir, self.socket_dir = self.root / "data", self.root / "socket"
        self.port = free_port()
        self.user = "postgres"
        self._as_user: dict = {}
        if os.geteuid() == 0:  # postgres refuses to run as root
            account = pwd.getpwnam("postgres")
            self._as_user = {"user": account.pw_uid, "group": account.pw_gid}
        self.server: ManagedProcess | None = None

    @property
    def uri(self) -> str:
        return f"postgresql+psycopg2://{self.user}@127.0.0.1:{self.port}/{self.database}"

    def init(self) -> PostgresCluster:
        for folder in (self.root, self.socket_dir):
            folder.mkdir(parents=True, exist_ok=True)
            if self._as_user:
                shutil.chown(folder, self._as_user["user"], self._as_user["group"])
        subprocess.run(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                self.user,
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
            check=True,
            capture_output=True,
            **self._as_user,
        )
        self.start()
        self.create_database(self.database)
        return self

    def create_database(self, name: str) -> str:
        """Another database on this cluster; returns its URI."""
        subprocess.run(
            [
                str(PG_BIN / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                self.user,
                name,
            ],
            check=True,
            capture_output=True,
        )
        return f"postgresql+psycopg2://{self.user}@127.0.0.1:{self.port}/{name}"

    def start(self) -> PostgresCluster:
        self.server = ManagedProcess(
            "postgres",
            [
                str(PG_BIN / "postgres"),
                "-D",
                str(self.data_dir),
                "-p",
                str(self.port),
                "-k",
                str(self.socket_dir),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off",
                "-c",
                "full_page_writes=off",
            ],
            self.root / "postgres.log",
            **self._as_user,
        ).start(tcp_open(self.port), timeout=30)
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
