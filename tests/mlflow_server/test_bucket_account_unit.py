"""MinIO's side of the artifact account: MinIO itself cannot be installed here, so its admin API
(minio-py's MinioAdmin, the boundary) is a recording fake; SeaweedFS's side runs for real in
tests/security/test_bucket_scope.py."""

from __future__ import annotations

import sys

import pytest
from minio.error import MinioAdminException

from tests.harness.mlflow_server import ENTRYPOINT

sys.path.insert(0, str(ENTRYPOINT.parent))
from bucket_account import (  # noqa: E402
    POLICY_NAME,
    bucket_policy,
    ensure_minio_user,
    has_minio_admin_api,
    minio_admin,
)


class FakeAdmin:
    def __init__(
        self,
        attach_error: MinioAdminException | None = None,
        info_error: MinioAdminException | None = None,
    ) -> None:
        self.calls, self.attach_error, self.info_error = [], attach_error, info_error

    def info(self):
        if self.info_error:
            raise self.info_error
        return "{}"

    def user_add(self, access_key, secret_key):
        self.calls.append(("user_add", access_key, secret_key))

    def policy_add(self, name, policy_file=None, policy=None):
        self.calls.append(("policy_add", name, policy))

    def attach_policy(self, policies, user=None, group=None):
        self.calls.append(("attach_policy", policies, user))
        if self.attach_error:
            raise self.attach_error


def test_the_policy_names_the_artifact_bucket_and_nothing_else():
    policy = bucket_policy("mlflow-artifacts")
    resources = {r for statement in policy["Statement"] for r in statement["Resource"]}
    assert resources == {"arn:aws:s3:::mlflow-artifacts", "arn:aws:s3:::mlflow-artifacts/*"}
    actions = {a for statement in policy["Statement"] for a in statement["Action"]}
    assert "s3:PutObject" in actions and "s3:ListBucket" in actions
    assert not [
        a
        for a in actions
        if "*" in a
        or a.startswith(("admin:", "s3:CreateBucket", "s3:DeleteBucket", "s3:PutBucketPolicy"))
    ]
    assert {s["Effect"] for s in policy["Statement"]} == {"Allow"}


def test_the_minio_user_gets_its_secret_and_the_bucket_policy():
    admin = FakeAdmin()
    ensure_minio_user(admin, "mlflow-artifacts", "artifacts", "s3cret-artifacts")
    assert admin.calls == [
        ("user_add", "artifacts", "s3cret-artifacts"),
        ("policy_add", POLICY_NAME, bucket_policy("mlflow-artifacts")),
        ("attach_policy", [POLICY_NAME], "artifacts"),
    ]


def test_a_policy_attached_by_an_earlier_run_is_fine():
    already = MinioAdminException("400", '{"Code":"XMinioAdminPolicyChangeAlreadyApplied"}')
    ensure_minio_user(FakeAdmin(attach_error=already), "b", "artifacts", "s3cret-artifacts")


def test_other_admin_errors_stop_the_job():
    denied = MinioAdminException("403", '{"Code":"AccessDenied"}')
    with pytest.raises(MinioAdminException):
        ensure_minio_user(FakeAdmin(attach_error=denied), "b", "artifacts", "s3cret-artifacts")
    with pytest.raises(MinioAdminException):
        has_minio_admin_api(FakeAdmin(info_error=denied))  # wrong root keys: say so, go no further


def test_minio_is_recognised_by_its_admin_api():
    assert has_minio_admin_api(FakeAdmin()) is True
    assert (
        has_minio_admin_api(FakeAdmin(info_error=MinioAdminException("404", "<Error/>"))) is False
    )


def test_the_admin_client_follows_the_endpoint_scheme():
    assert minio_admin("http://minio:9000", "root", "secret")._url.geturl().startswith("http://")
    assert (
        minio_admin("https://s3.team:9000", "root", "secret")._url.geturl().startswith("https://")
    )
