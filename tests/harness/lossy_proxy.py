"""An HTTP proxy in front of a real server that loses chosen answers: the request reaches the
server and is committed there, then the client's connection is closed without a reply; or it
holds a request until the client has given up, then passes it on. Those are the ambiguous
failures a retrying client has to survive without doing the work twice."""

from __future__ import annotations

import http.client
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from .process import free_port

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"}


class LossyProxy:
    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname, parts.port)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._drops: dict[tuple[str, str], int] = {}
        self._delays: dict[tuple[str, str], float] = {}
        self.dropped: list[tuple[str, str]] = []
        self.delayed: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def drop_answer(self, method: str, path_end: str, times: int = 1) -> None:
        """Lose the answer of the next ``times`` requests whose path ends with ``path_end``."""
        with self._lock:
            self._drops[(method, path_end)] = times

    def delay_once(self, method: str, path_end: str, seconds: float) -> None:
        """Hold the next matching request ``seconds`` before passing it on: the client gives up
        first, and the request lands on the server after the client's retry."""
        with self._lock:
            self._delays[(method, path_end)] = seconds

    def _delay(self, method: str, path: str) -> float:
        with self._lock:
            for (wanted, end), seconds in list(self._delays.items()):
                if wanted == method and path.split("?")[0].endswith(end):
                    del self._delays[(wanted, end)]
                    self.delayed.append((method, path))
                    return seconds
        return 0.0

    def _should_drop(self, method: str, path: str) -> bool:
        with self._lock:
            for (wanted, end), left in self._drops.items():
                if wanted == method and path.split("?")[0].endswith(end) and left > 0:
                    self._drops[(wanted, end)] = left - 1
                    self.dropped.append((method, path))
                    return True
        return False

    def _handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                time.sleep(proxy._delay(self.command, self.path))
                upstream = http.client.HTTPConnection(*proxy.upstream, timeout=60)
                try:
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    answer = upstream.getresponse()
                    content = answer.read()
                finally:
                    upstream.close()
                if proxy._should_drop(self.command, self.path):
                    self.close_connection = True  # committed upstream; the client hears nothing
                    return
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

        return Handler

    def start(self) -> LossyProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
