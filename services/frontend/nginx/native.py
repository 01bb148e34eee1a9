"""Run the dashboard's nginx server block natively, as the container does.

The image renders default.conf.template with envsubst (/etc/nginx/templates); this renders the
same template with the same variables and runs the Debian nginx in a private prefix folder, in the
foreground, so a process runner (honcho) or a test can supervise it.

    python services/frontend/nginx/native.py PREFIX_DIR
Environment: LISTEN_PORT (8080), STATIC_ROOT (services/frontend/dist), API_UPSTREAM
(http://127.0.0.1:5001).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "default.conf.template"
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


def write_config(prefix: Path, listen: str, static_root: Path, api_upstream: str) -> Path:
    """Lay out ``prefix`` (config, temp folders, logs) and return the main config's path."""
    (prefix / "tmp").mkdir(parents=True, exist_ok=True)
    (prefix / "conf.d").mkdir(exist_ok=True)
    (prefix / "conf.d" / "default.conf").write_text(render_template(TEMPLATE.read_text(), {
        "LISTEN_PORT": listen, "STATIC_ROOT": str(static_root), "API_UPSTREAM": api_upstream}))
    # As root, nginx would drop its workers to `nobody`, who cannot read a private folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = prefix / "nginx.conf"
    conf.write_text(MAIN_CONF.format(prefix=prefix, user=user))
    return conf


def command(prefix: Path, conf: Path) -> list[str]:
    return [NGINX, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"]


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: native.py PREFIX_DIR")
    prefix = Path(sys.argv[1]).resolve()
    static_root = Path(os.environ.get("STATIC_ROOT", HERE.parent / "dist")).resolve()
    if not (static_root / "index.html").exists():
        sys.exit(f"nginx: no built dashboard in {static_root} (run `npm run build` first)")
    conf = write_config(prefix, os.environ.get("LISTEN_PORT", "8080"), static_root,
                        os.environ.get("API_UPSTREAM", "http://127.0.0.1:5001"))
    print(f"nginx: dashboard on :{os.environ.get('LISTEN_PORT', '8080')}, config {conf}", flush=True)
    os.execv(NGINX, command(prefix, conf))


if __name__ == "__main__":
    main()
