"""The dashboard's nginx server block (services/frontend/nginx/default.conf.template), run natively.

The container renders the template with envsubst; here the same variables are substituted in
Python and the Debian nginx runs it inside a small main config, like the image's nginx.conf.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests.harness.process import ManagedProcess, free_port, http_ok

TEMPLATE = (Path(__file__).resolve().parents[2] / "services" / "frontend" / "nginx"
            / "default.conf.template")
NGINX = "/usr/sbin/nginx"

MAIN_CONF = """\
{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    keepalive_timeout 65;
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    include {prefix}/conf.d/*.conf;
}}
"""


def render_template(text: str, values: dict[str, str]) -> str:
    """envsubst for the given names only: nginx's own `$uri` and friends stay as they are."""
    rendered = re.sub(r"\$\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), text)
    left = re.findall(r"\$\{\w+\}", rendered)
    if left:
        raise ValueError(f"template variables without a value: {sorted(set(left))}")
    return rendered


class NginxFrontend:
    """nginx serving ``static_root`` on a free port, proxying /api/ to ``api_upstream``."""

    def __init__(self, prefix: Path, static_root: Path, api_upstream: str) -> None:
        self.prefix, self.port = prefix, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        (prefix / "tmp").mkdir(parents=True, exist_ok=True)
        (prefix / "conf.d").mkdir(exist_ok=True)
        (prefix / "conf.d" / "default.conf").write_text(render_template(TEMPLATE.read_text(), {
            "LISTEN_PORT": f"127.0.0.1:{self.port}", "STATIC_ROOT": str(static_root),
            "API_UPSTREAM": api_upstream}))
        # As root, nginx would drop its workers to `nobody`, who cannot read a private tmp dir.
        user = "user root;\n" if os.geteuid() == 0 else ""
        self.conf = prefix / "nginx.conf"
        self.conf.write_text(MAIN_CONF.format(prefix=prefix, user=user))
        self.process = ManagedProcess(
            "nginx", [NGINX, "-p", str(prefix), "-c", str(self.conf), "-g", "daemon off;"],
            prefix / "nginx.log")

    def start(self) -> NginxFrontend:
        self.process.start(http_ok(f"{self.url}/"), timeout=20)
        return self

    def stop(self) -> None:
        self.process.stop()

    def error_log(self) -> str:
        path = self.prefix / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""
