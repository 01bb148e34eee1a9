"""A local S3-compatible endpoint: moto in server mode, with the artifact bucket created."""

from __future__ import annotations

import sys
from pathlib import Path

import boto3

from .process import ManagedProcess, free_port, http_ok

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test-access-key", "AWS_SECRET_ACCESS_KEY": "test-secret-key",
               "AWS_DEFAULT_REGION": "us-east-1"}


class S3Endpoint:
    def __init__(self, root: Path, bucket: str = "mlflow-artifacts") -> None:
        self.root, self.bucket = root, bucket
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: ManagedProcess | None = None

    def start(self) -> S3Endpoint:
        self.server = ManagedProcess(
            "moto", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            self.root / "moto.log",
        ).start(http_ok(f"{self.url}/moto-api/"), timeout=60)
        self.client().create_bucket(Bucket=self.bucket)
        return self

    def client(self):
        return boto3.client(
            "s3", endpoint_url=self.url, region_name=CREDENTIALS["AWS_DEFAULT_REGION"],
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def server_env(self) -> dict[str, str]:
        """What the tracking server (and only it) needs to write artifacts here."""
        return {**CREDENTIALS, "MLFLOW_S3_ENDPOINT_URL": self.url}

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
