"""One-shot init: create the artifact bucket on the S3 endpoint if it is not there yet.

Compose runs it as `minio-init` against MinIO; tests run the same script against SeaweedFS.
Environment: MLFLOW_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ARTIFACT_BUCKET.
"""

from __future__ import annotations

import os
import sys
import time

import boto3
from botocore.exceptions import ClientError, EndpointConnectionError


def create_bucket(endpoint: str, bucket: str, attempts: int = 30, interval: float = 2.0) -> bool:
    """Return True when the bucket was created, False when it already existed."""
    client = boto3.client("s3", endpoint_url=endpoint,
                          region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
    for attempt in range(1, attempts + 1):
        try:
            client.head_bucket(Bucket=bucket)
            return False
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket"):
                raise
            client.create_bucket(Bucket=bucket)
            return True
        except EndpointConnectionError:
            if attempt == attempts:
                raise
            print(f"waiting for S3 endpoint {endpoint} (attempt {attempt})", flush=True)
            time.sleep(interval)
    return False


def main() -> int:
    endpoint = os.environ.get("MLFLOW_S3_ENDPOINT_URL")
    bucket = os.environ.get("ARTIFACT_BUCKET")
    if not endpoint or not bucket:
        print("create_bucket: set MLFLOW_S3_ENDPOINT_URL and ARTIFACT_BUCKET", file=sys.stderr)
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
