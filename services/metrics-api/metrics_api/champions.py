"""Which run is each model's champion. The registry alias ``champion`` is the one truth: a run's
``model_status`` is *derived* from it (``active`` for the champion's run, ``inactive`` for a run
whose ``status`` tag still says active), and the tag is only a mirror for people using the
MLflow UI. One alias holds one version, so two active runs of one model cannot exist.

The gunicorn workers of one host share a small state folder (``METRICS_API_STATE_DIR``; the
gunicorn master creates it before forking, see gunicorn.conf.py):

* ``promotion.lock``: a file lock that serialises promotions across the workers, so "read the old
  champion, move the alias, verify, mirror the tags" is one step (promotion.py);
* ``champions.json``: the champion map as the last promotion left it. Every request that shows a
  status checks its stat (a microsecond); a worker that sees it change adopts it first, so the
  request after a promotion shows the new champion whichever worker serves it.

Across hosts (several API replicas on one MLflow) the alias still allows one champion per model,
and every worker re-reads the aliases from MLflow with each cache refresh (every couple of seconds).
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from filelock import FileLock

from .tracking import Tracking

ALIAS = "champion"


def model_status(run: dict, champions: frozenset[str]) -> str | None:
    """The status shown for ``run`` (a run dict), given the champion run ids."""
    tag = run["tags"].get("status")
    if run["run_id"] in champions:
        return "active"
    if run["model_status"] == "stale":  # its trainer went silent (staleness.py)
        return "stale"
    return "inactive" if tag == "active" else tag


def with_status(run: dict, champions: frozenset[str]) -> dict:
    status = model_status(run, champions)
    return run if status == run["model_status"] else {**run, "model_status": status}


class Champions:
    def __init__(self, tracking: Tracking, prefix: str, state_dir: Path) -> None:
        self.tracking, self.prefix = tracking, prefix
        self._file = state_dir / "champions.json"
        self._lock_file = state_dir / "promotion.lock"
        self._promotion_lock: tuple[int, FileLock] | None = None  # (pid that made it, lock)
        self._lock = threading.Lock()
        self._runs: dict[str, str] = {}  # registered model -> champion run id
        self._run_ids: frozenset[str] = frozenset()
        self._seen: tuple | None = None  # stat signature of the shared file last adopted
        self.version = 0  # bumped on every change: snapshots re-derive their statuses

    @property
    def promotion_lock(self) -> FileLock:
        """Made in the process that uses it: filelock refuses an instance inherited across a
        fork, and a preloading gunicorn master builds this object before forking its workers.
        thread_local: each thread holds its own descriptor, so threads of one worker exclude
        each other too (flock is per open file, across processes and within one)."""
        made = self._promotion_lock
        if made is None or made[0] != os.getpid():
            with self._lock:
                made = self._promotion_lock
                if made is None or made[0] != os.getpid():
                    made = self._promotion_lock = (
                        os.getpid(),
                        FileLock(self._lock_file, thread_local=True),
                    )
        return made[1]

    def run_ids(self) -> frozenset[str]:
        return self.state()[0]

    def state(self) -> tuple[frozenset[str], int]:
        """``(champion run ids, version)``, read together."""
        self._adopt_shared()
        with self._lock:
            return self._run_ids, self.version

    def run_of(self, registered_model: str) -> str | None:
        self._adopt_shared()
        return self._runs.get(registered_model)

    def with_champion(self, registered_model: str, run_id: str) -> dict[str, str]:
        """The known champion map with ``registered_model``'s champion replaced."""
        self._adopt_shared()
        with self._lock:
            return {**self._runs, registered_model: run_id}

    def reload(self, source=None) -> None:
        """Re-read the aliases from MLflow (with every cache refresh), or from ``source``'s
        ``aliased_runs`` (the store reader, with a full load)."""
        version = self.version
        runs = (source or self.tracking).aliased_runs(self.prefix, ALIAS)
        self._set(runs, unless_changed_since=version)

    def publish(self, runs: dict[str, str]) -> None:
        """After a promotion (under ``promotion_lock``): adopt ``runs`` here and tell the other
        workers through the shared file (written whole, then renamed: readers never see half)."""
        self._set(runs)
        scratch = self._file.with_name(f".champions.{os.getpid()}.{threading.get_ident()}")
        scratch.write_text(json.dumps(runs))
        os.replace(scratch, self._file)

    def _adopt_shared(self) -> None:
        try:
            stat = os.stat(self._file)
        except FileNotFoundError:
            return
        signature = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if signature == self._seen:
            return
        try:
            runs = json.loads(self._file.read_text())
        except (OSError, ValueError):
            return  # replaced while read: the next request adopts the new one
        self._seen = signature
        self._set(runs)

    def _set(self, runs: dict[str, str], unless_changed_since: int | None = None) -> None:
        with self._lock:
            if unless_changed_since is not None and self.version != unless_changed_since:
                return  # a promotion landed while MLflow was read: that answer may predate it
            if runs != self._runs:
                self._runs = dict(runs)
                self._run_ids = frozenset(runs.values())
                self.version += 1
