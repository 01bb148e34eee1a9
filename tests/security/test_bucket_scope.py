"""MLflow's S3 account is limited to the artifact bucket (issue 11: not the root account).

Against the real SeaweedFS harness, whose s3 config holds the root account and the artifact
account as compose's local S3 image does; the bucket init job (create_bucket.py) is run as
compose runs it. MinIO's side (the admin API) is covered by test_bucket_account_unit.py."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from botocore.exceptions import ClientError

from tests.harness.mlflow_server import ENTRYPOINT
from tests.harness.s3 import ARTIFACT_CREDENTIALS, CREDENTIALS

sys.path.insert(0, str(ENTRYPOINT.parent))
from bucket_account import ScopeError, check_scope, has_minio_admin_api, minio_admin  # noqa: E402

INIT = ENTRYPOINT.parent / "create_bucket.py"


def run_init(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(INIT)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def refused(call) -> bool:
    try:
        call()
    except ClientError as error:
        return error.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    return False


def test_the_init_job_sets_up_and_checks_the_artifact_account(s3):
    for _ in range(2):  # idempotent: compose runs it on every `up`
        result = run_init(s3.init_env())
        assert result.returncode == 0, result.stderr
        assert "already exists" in result.stdout
        assert "no MinIO admin API" in result.stdout
        assert f"reads and writes s3://{s3.bucket}, may not create buckets" in result.stdout
    leftovers = s3.client().list_objects_v2(Bucket=s3.bucket, Prefix=".init-probe").get("KeyCount")
    assert leftovers == 0


def test_the_artifact_account_uses_its_bucket_and_nothing_else(s3):
    root, account = s3.client(), s3.client(ARTIFACT_CREDENTIALS)
    other = f"other-{uuid.uuid4().hex[:8]}"
    root.create_bucket(Bucket=other)
    root.put_object(Bucket=other, Key="model/data.bin", Body=b"weights")
    key = f"scope-test/{uuid.uuid4().hex}"

    account.put_object(Bucket=s3.bucket, Key=key, Body=b"artifact")
    assert account.get_object(Bucket=s3.bucket, Key=key)["Body"].read() == b"artifact"
    assert [
        o["Key"] for o in account.list_objects_v2(Bucket=s3.bucket, Prefix=key)["Contents"]
    ] == [key]
    account.delete_object(Bucket=s3.bucket, Key=key)

    assert refused(lambda: account.get_object(Bucket=other, Key="model/data.bin"))
    assert refused(lambda: account.put_object(Bucket=other, Key="model/data.bin", Body=b"x"))
    assert refused(lambda: account.list_objects_v2(Bucket=other))
    assert refused(lambda: account.delete_object(Bucket=other, Key="model/data.bin"))
    assert refused(lambda: account.create_bucket(Bucket=f"new-{uuid.uuid4().hex[:8]}"))
    assert refused(lambda: account.delete_bucket(Bucket=other))
    assert refused(lambda: account.delete_bucket(Bucket=s3.bucket))
    assert refused(
        lambda: account.put_bucket_policy(
            Bucket=s3.bucket, Policy='{"Version": "2012-10-17", "Statement": []}'
        )
    )

    # Nothing changed: the other bucket and its object, the artifact bucket itself.
    assert root.get_object(Bucket=other, Key="model/data.bin")["Body"].read() == b"weights"
    names = [b["Name"] for b in root.list_buckets()["Buckets"]]
    assert other in names and s3.bucket in names
    assert not [n for n in names if n.startswith("new-")]


def test_the_scope_check_refuses_an_account_that_may_create_buckets(s3):
    with pytest.raises(ScopeError, match="may create buckets"):
        check_scope(
            s3.url,
            s3.bucket,
            CREDENTIALS["AWS_ACCESS_KEY_ID"],
            CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )
    assert not [
        b for b in s3.client().list_buckets()["Buckets"] if b["Name"].startswith("scope-check-")
    ]


def test_the_init_job_names_an_account_the_server_does_not_know(s3):
    result = run_init({**s3.init_env(), "ARTIFACT_SECRET_KEY": "not-the-artifact-secret"})
    assert result.returncode == 1
    assert f"cannot use s3://{s3.bucket}" in result.stderr
    assert "not-the-artifact-secret" not in result.stdout + result.stderr


def test_the_init_job_refuses_the_root_account_as_the_artifact_account(s3):
    env = {**s3.init_env(), "ARTIFACT_ACCESS_KEY": CREDENTIALS["AWS_ACCESS_KEY_ID"]}
    result = run_init(env)
    assert (
        result.returncode == 2
        and "ARTIFACT_ACCESS_KEY must name an account of its own" in result.stderr
    )


def test_seaweedfs_is_told_apart_from_minio_without_writing(s3):
    before = [b["Name"] for b in s3.client().list_buckets()["Buckets"]]
    admin = minio_admin(
        s3.url, CREDENTIALS["AWS_ACCESS_KEY_ID"], CREDENTIALS["AWS_SECRET_ACCESS_KEY"]
    )
    assert has_minio_admin_api(admin) is False
    assert [b["Name"] for b in s3.client().list_buckets()["Buckets"]] == before
