"""Slow clients: connections that each send one more byte of an unfinished request at a steady
pace (a slowloris). Used by tests/frontend/test_slow_clients.py and bench/bench_slow_clients.py."""

from __future__ import annotations

import socket
import threading

PARTIAL = b"GET /api/health HTTP/1.1\r\nHost: slow.test\r\nX-Trickle: "


class Tricklers:
    """``count`` connections to ``port``, each sent one more byte every ``pace`` seconds;
    ``rounds`` counts the bytes sent so far, ``ticked`` is set after the first."""

    def __init__(self, port: int, count: int, pace: float = 1.0) -> None:
        self.sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
        self.pace, self.rounds = pace, 0
        self.stop, self.ticked = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            byte = PARTIAL[self.rounds : self.rounds + 1] or b"a"
            for sock in self.sockets:
                try:
                    sock.send(byte)
                except OSError:
                    pass  # the server gave up on it: that is allowed
            self.rounds += 1
            self.ticked.set()
            self.stop.wait(self.pace)

    def __enter__(self) -> Tricklers:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(5)
        for sock in self.sockets:
            sock.close()
