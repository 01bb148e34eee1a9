"""Start a server process, wait until it answers, stop it (and only it) by its process group."""

from __future__ import annotations

import atexit
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import psutil
from tenacity import RetryError, Retrying, retry_if_result, stop_after_delay, wait_fixed

_RUNNING: set[ManagedProcess] = set()


def _stop_all_running() -> None:
    for process in list(_RUNNING):
        process.stop()


def _exit_on_sigterm(signum, _frame) -> None:
    sys.exit(128 + signum)  # unwinds: fixtures' and benches' finally blocks stop their servers


def _install_cleanup() -> None:
    """Stop every server this process started, even when it is itself terminated."""
    if _install_cleanup.done:
        return
    _install_cleanup.done = True
    atexit.register(_stop_all_running)
    if (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    ):
        signal.signal(signal.SIGTERM, _exit_on_sigterm)


_install_cleanup.done = False


# Under pytest-xdist (make test-servers runs several workers) each worker picks from its own slice
# of 15000-32767, below the kernel's ephemeral range (32768+), walking it with a cursor: two
# workers never hand out the same port, and a worker does not re-hand a port it just released.
_SLICE, _FIRST = 2000, 15000
_cursor: list[int] = []


def _worker_index() -> int | None:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", ...
    return int(worker[2:]) if worker.startswith("gw") and worker[2:].isdigit() else None


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A free TCP port above 15000 on the loopback interface."""
    index = _worker_index()
    if index is not None and _FIRST + (index + 1) * _SLICE <= 32768:
        start = _FIRST + index * _SLICE
        if not _cursor:
            _cursor.append(random.SystemRandom().randrange(_SLICE))  # not reseeded by randomly
        for _ in range(_SLICE):
            _cursor[0] = (_cursor[0] + 1) % _SLICE
            if _bindable(start + _cursor[0]):
                return start + _cursor[0]
        raise RuntimeError(f"no free port in {start}-{start + _SLICE - 1}")
    for _ in range(200):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port > 15000:
            return port
    raise RuntimeError("no free port above 15000")


def http_ok(url: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    return check


def tcp_open(port: int) -> Callable[[], bool]:
    def check() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False

    return check


T = TypeVar("T")


def eventually(check: Callable[[], T], what: str, timeout: float, interval: float = 0.2) -> T:
    """The first truthy ``check()``, polled every ``interval`` s (an exception it raises ends
    the wait); AssertionError naming ``what`` after ``timeout`` s."""
    try:
        return Retrying(
            retry=retry_if_result(lambda value: not value),
            stop=stop_after_delay(timeout),
            wait=wait_fixed(interval),
        )(check)
    except RetryError:
        raise AssertionError(f"not so after {timeout:.0f} s: {what}") from None


class ManagedProcess:
    """A child process in its own session; its output goes to ``log_path``."""

    def __init__(
        self,
        name: str,
        command: list[str],
        log_path: Path,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        **popen,
    ) -> None:
        self.name, self.command, self.log_path = name, command, log_path
        self.env, self.cwd, self.popen_kwargs = env, cwd, popen
        self.process: subprocess.Popen | None = None

    def start(self, ready: Callable[[], bool], timeout: float = 60.0) -> ManagedProcess:
        _install_cleanup()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            self.command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self.env,
            cwd=self.cwd,
            start_new_session=True,
            **self.popen_kwargs,
        )
        log.close()
        _RUNNING.add(self)

        def ready_unless_exited() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode}:\n{self.tail()}"
                )
            return ready()

        try:
            eventually(ready_unless_exited, f"{self.name} ready", timeout)
        except AssertionError:
            self.stop()
            raise TimeoutError(
                f"{self.name} not ready after {timeout:.0f} s:\n{self.tail()}"
            ) from None
        return self

    def stop(self, timeout: float = 20.0) -> None:
        _RUNNING.discard(self)
        if self.process is None or self.process.poll() is not None:
            self._reap_group()
            return
        self._signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._signal_group(signal.SIGKILL)
            self.process.wait(5)
        self._reap_group()

    def kill(self) -> None:
        """Hard stop, as a crash would: SIGKILL to the process and every descendant, including
        those that started sessions of their own (the tracking server's workers do)."""
        _RUNNING.discard(self)
        if self.process is None or self.process.poll() is not None:
            return
        try:
            tree = [psutil.Process(self.process.pid)]
            tree += tree[0].children(recursive=True)
        except psutil.NoSuchProcess:
            tree = []
        for member in tree:
            try:
                member.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(tree, timeout=5)
        self.process.wait(5)

    def _reap_group(self) -> None:
        if self.process is not None:
            self._signal_group(signal.SIGKILL)

    def _signal_group(self, signum: int) -> None:
        try:
            os.killpg(self.process.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""
