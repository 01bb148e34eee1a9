"""One-shot init: create the artifact bucket on the S3 endpoint if it is not there yet.

Compose runs it as `minio-init` against MinIO; tests run the same script against SeaweedFS.
Environment: MLFLOW_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ARTIFACT_BUCKET.
"""

from __future__ import annotations

import os
import sys

import boto3
from botocore.exceptions import ClientError, EndpointConnectionError
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
    try:
        check_secret("AWS_SECRET_ACCESS_KEY", os.environ.get("AWS_SECRET_ACCESS_KEY"))
    except WeakSecret as error:
        print(f"create_bucket: refusing to start: {error}", file=sys.stderr)
        return 2
    try:
        created = create_bucket(endpoint, bucket)
    except (ClientError, EndpointConnectionError) as error:
        print(f"create_bucket: cannot create s3://{bucket} at {endpoint}: {error}", file=sys.stderr)
        return 1
    print(f"bucket s3://{bucket} {'created' if created else 'already exists'} at {endpoint}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
