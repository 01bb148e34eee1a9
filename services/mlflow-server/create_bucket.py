"""One-shot init: create the artifact bucket on the S3 endpoint if it is not there yet, then the
artifact account MLflow uses instead of the root one (bucket_account.py).

Compose runs it as `minio-init` against MinIO; tests run the same script against SeaweedFS.
Environment: MLFLOW_S3_ENDPOINT_URL, ARTIFACT_BUCKET, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
(the root account), ARTIFACT_ACCESS_KEY / ARTIFACT_SECRET_KEY (the artifact account; unset: the
bucket only).
"""

from __future__ import annotations

import os
import sys

import boto3
from botocore.exceptions import ClientError, EndpointConnectionError
from bucket_account import (
    ScopeError,
    check_scope,
    ensure_minio_user,
    has_minio_admin_api,
    minio_admin,
)
from minio.error import MinioAdminException
from secrets_check import WeakSecret, check_secret
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_fixed


def create_bucket(endpoint: str, bucket: str, attempts: int = 30, interval: float = 2.0) -> bool:
    """Return True when the bucket was created, False when it already existed; waits
    (tenacity) while the endpoint does not answer yet."""
    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    )
    for attempt in Retrying(
        retry=retry_if_exception_type(EndpointConnectionError),
        stop=stop_after_attempt(attempts),
        wait=wait_fixed(interval),
        reraise=True,
        before_sleep=lambda state: print(
            f"waiting for S3 endpoint {endpoint} (attempt {state.attempt_number})", flush=True
        ),
    ):
        with attempt:
            try:
                client.head_bucket(Bucket=bucket)
                return False
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket"):
                    raise
            client.create_bucket(Bucket=bucket)
            return True
    raise AssertionError("unreachable: tenacity returns or raises")


def main() -> int:
    endpoint = os.environ.get("MLFLOW_S3_ENDPOINT_URL")
    bucket = os.environ.get("ARTIFACT_BUCKET")
    if not endpoint or not bucket:
        print("create_bucket: set MLFLOW_S3_ENDPOINT_URL and ARTIFACT_BUCKET", file=sys.stderr)
        return 2
    account = os.environ.get("ARTIFACT_ACCESS_KEY")
    try:
        check_secret("AWS_SECRET_ACCESS_KEY", os.environ.get("AWS_SECRET_ACCESS_KEY"))
        if account is not None:
            check_secret("ARTIFACT_SECRET_KEY", os.environ.get("ARTIFACT_SECRET_KEY"))
            if not account or account == os.environ.get("AWS_ACCESS_KEY_ID"):
                raise WeakSecret(
                    "ARTIFACT_ACCESS_KEY must name an account of its own, not be "
                    "empty or the root account's AWS_ACCESS_KEY_ID"
                )
    except WeakSecret as error:
        print(f"create_bucket: refusing to start: {error}", file=sys.stderr)
        return 2
    try:
        created = create_bucket(endpoint, bucket)
    except (ClientError, EndpointConnectionError) as error:
        print(f"create_bucket: cannot create s3://{bucket} at {endpoint}: {error}", file=sys.stderr)
        return 1
    print(f"bucket s3://{bucket} {'created' if created else 'already exists'} at {endpoint}")
    if account is None:
        print("create_bucket: no ARTIFACT_ACCESS_KEY: no artifact account set up", flush=True)
        return 0
    try:
        return artifact_account(endpoint, bucket, account, os.environ["ARTIFACT_SECRET_KEY"])
    except (ScopeError, ClientError, MinioAdminException) as error:
        print(f"create_bucket: artifact account {account!r}: {error}", file=sys.stderr)
        return 1


def artifact_account(endpoint: str, bucket: str, account: str, secret: str) -> int:
    admin = minio_admin(
        endpoint, os.environ.get("AWS_ACCESS_KEY_ID", ""), os.environ["AWS_SECRET_ACCESS_KEY"]
    )
    if has_minio_admin_api(admin):
        ensure_minio_user(admin, bucket, account, secret)
        print(f"artifact account {account!r}: MinIO user with policy on s3://{bucket} only")
    else:
        print(
            f"artifact account {account!r}: no MinIO admin API at {endpoint}; the account "
            "comes from the S3 server's own config"
        )
    check_scope(
        endpoint, bucket, account, secret, os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    )
    print(f"artifact account {account!r}: reads and writes s3://{bucket}, may not create buckets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
