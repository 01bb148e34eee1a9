"""The artifact account: the S3 user MLflow writes artifacts with, limited to the artifact bucket,
so that the root account stays with the bucket init job alone.

* MinIO: the init job creates the user (or resets its secret) through MinIO's admin API
  (minio-py's ``MinioAdmin``) and attaches a policy that names the artifact bucket only.
* SeaweedFS (the local S3 image and the tests): no MinIO admin API; identities are part of the
  server's s3 config, where the account has ``Read/Write/List/Tagging:<bucket>`` and nothing else
  (scripts/docker/local-bases/s3-entrypoint.sh, tests/harness/s3.py).

Either way the job then proves the scope on the live server: the account writes, reads, lists
and deletes an object in the bucket, and is refused creating a bucket.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import boto3
from botocore.exceptions import ClientError
from minio.credentials import StaticProvider
from minio.error import MinioAdminException
from minio.minioadmin import MinioAdmin

POLICY_NAME = "movie-genie-artifacts"
REFUSED = ("AccessDenied", "403")


class ScopeError(RuntimeError):
    """The artifact account cannot do its job, or can do more than it should."""


def bucket_policy(bucket: str) -> dict:
    """Objects of ``bucket`` (read, write, delete, multipart) and listing it; nothing else."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": [
                    "s3:GetBucketLocation",
                    "s3:ListBucket",
                    "s3:ListBucketMultipartUploads",
                ],
                "Resource": [f"arn:aws:s3:::{bucket}"],
            },
            {
                "Effect": "Allow",
                "Action": [
                    "s3:GetObject",
                    "s3:PutObject",
                    "s3:DeleteObject",
                    "s3:AbortMultipartUpload",
                    "s3:ListMultipartUploadParts",
                ],
                "Resource": [f"arn:aws:s3:::{bucket}/*"],
            },
        ],
    }


def minio_admin(endpoint: str, access_key: str, secret_key: str) -> MinioAdmin:
    parts = urlsplit(endpoint)
    return MinioAdmin(
        endpoint=parts.netloc,
        credentials=StaticProvider(access_key, secret_key),
        secure=parts.scheme == "https",
    )


def has_minio_admin_api(admin: MinioAdmin) -> bool:
    """A read-only probe first: other S3 servers take /minio/admin/... for a bucket named
    ``minio`` (a write there could even store an object), and answer this read with a 404."""
    try:
        admin.info()
        return True
    except MinioAdminException as error:
        if str(error._code) == "404":  # minio-py keeps the status only here
            return False
        raise


def ensure_minio_user(admin: MinioAdmin, bucket: str, access_key: str, secret_key: str) -> None:
    """Create the user (an existing one gets this secret), the policy, and attach it."""
    admin.user_add(access_key, secret_key)
    admin.policy_add(POLICY_NAME, policy=bucket_policy(bucket))
    try:
        admin.attach_policy([POLICY_NAME], user=access_key)
    except MinioAdminException as error:  # attached by an earlier run: nothing to change
        if "AlreadyApplied" not in error._body and "already" not in error._body.lower():
            raise


def check_scope(
    endpoint: str, bucket: str, access_key: str, secret_key: str, region: str = "us-east-1"
) -> None:
    """Raise ScopeError unless the account can use ``bucket`` and cannot create buckets."""
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
    )
    probe = f".init-probe-{uuid.uuid4().hex}"
    try:
        client.put_object(Bucket=bucket, Key=probe, Body=b"ok")
        body = client.get_object(Bucket=bucket, Key=probe)["Body"].read()
        listed = client.list_objects_v2(Bucket=bucket, Prefix=probe).get("KeyCount", 0)
        client.delete_object(Bucket=bucket, Key=probe)
    except ClientError as error:
        raise ScopeError(
            f"the artifact account {access_key!r} cannot use s3://{bucket}: "
            f"{error.response.get('Error', {}).get('Code')}"
        ) from None
    if body != b"ok" or listed != 1:
        raise ScopeError(
            f"the artifact account {access_key!r} read back something else from s3://{bucket}"
        )
    other = f"scope-check-{uuid.uuid4().hex[:12]}"
    try:
        client.create_bucket(Bucket=other)
    except ClientError as error:
        if (
            error.response.get("Error", {}).get("Code") in REFUSED
            or str(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")) == "403"
        ):
            return
        raise
    client.delete_bucket(Bucket=other)
    raise ScopeError(
        f"the artifact account {access_key!r} may create buckets: it must be "
        f"limited to s3://{bucket} (is it an admin or the root account?)"
    )
