# Local stand-in for python:3.11-slim-bookworm: Debian's Python 3.11 in a venv first on PATH, so
# `python` and `pip install` behave as in the official image (pip may install as root).
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE}
# pip's and uv's own CA lists lack the host's: point them at the system bundle (local bases only).
ENV PATH=/usr/local/python/bin:$PATH PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv \
    && rm -rf /var/lib/apt/lists/* \
    && python3 -m venv /usr/local/python \
    && ln -s /usr/local/python/bin/python /usr/local/bin/python \
    && pip install --no-cache-dir pip==24.0
CMD ["python3"]
