#!/bin/sh
# MinIO's interface on SeaweedFS: an admin identity from MINIO_ROOT_USER / MINIO_ROOT_PASSWORD,
# and, when ARTIFACT_ACCESS_KEY is set, the artifact account limited to ARTIFACT_BUCKET (SeaweedFS
# has no MinIO admin API for the init job to create it with). Written at start, never into the
# image; data under /data, S3 on :9000. Arguments ignored.
set -eu
: "${MINIO_ROOT_USER:?set MINIO_ROOT_USER}" "${MINIO_ROOT_PASSWORD:?set MINIO_ROOT_PASSWORD}"
identities=$(mktemp)
artifacts=""
if [ -n "${ARTIFACT_ACCESS_KEY:-}" ]; then
  : "${ARTIFACT_SECRET_KEY:?set ARTIFACT_SECRET_KEY}" "${ARTIFACT_BUCKET:?set ARTIFACT_BUCKET}"
  b=$ARTIFACT_BUCKET
  artifacts=$(printf ',{"name":"artifacts","actions":["Read:%s","Write:%s","List:%s","Tagging:%s"],"credentials":[{"accessKey":"%s","secretKey":"%s"}]}' \
    "$b" "$b" "$b" "$b" "$ARTIFACT_ACCESS_KEY" "$ARTIFACT_SECRET_KEY")
fi
printf '{"identities":[{"name":"root","actions":["Admin","Read","Write","List","Tagging"],"credentials":[{"accessKey":"%s","secretKey":"%s"}]}%s]}\n' \
  "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" "$artifacts" > "$identities"
exec weed server -dir=/data -ip=127.0.0.1 -ip.bind=0.0.0.0 -s3 -s3.port=9000 \
  -s3.config="$identities" -s3.port.iceberg=0 -s3.port.lance=0 \
  -master.volumeSizeLimitMB=1024 -volume.max=0 -master.telemetry=false
