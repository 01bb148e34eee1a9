"""The dashboard's nginx server block (services/frontend/nginx/default.conf.template), run natively
through the same module that `make demo` uses (services/frontend/nginx/native.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tests.harness.process import ManagedProcess, free_port, http_ok

NATIVE = Path(__file__).resolve().parents[2] / "services" / "frontend" / "nginx" / "native.py"
_spec = importlib.util.spec_from_file_location("frontend_nginx_native", NATIVE)
native = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(native)
render_template = native.render_template
TEMPLATE = native.TEMPLATE


class NginxFrontend:
    """nginx serving ``static_root`` on a free port, proxying /api/ to ``api_upstream``."""

    def __init__(self, prefix: Path, static_root: Path, api_upstream: str) -> None:
        self.prefix, self.port = prefix, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.conf = native.write_config(prefix, f"127.0.0.1:{self.port}", static_root, api_upstream)
        self.process = ManagedProcess(
            "nginx", native.command(prefix, self.conf), prefix / "nginx.log"
        )

    def start(self) -> NginxFrontend:
        self.process.start(http_ok(f"{self.url}/"), timeout=20)
        return self

    def stop(self) -> None:
        self.process.stop()

    def error_log(self) -> str:
        path = self.prefix / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""
