#!/bin/sh
# MinIO's interface on SeaweedFS: one admin identity from MINIO_ROOT_USER / MINIO_ROOT_PASSWORD
# (written at start, never into the image), data under /data, S3 on :9000. Arguments ignored.
set -eu
: "${MINIO_ROOT_USER:?set MINIO_ROOT_USER}" "${MINIO_ROOT_PASSWORD:?set MINIO_ROOT_PASSWORD}"
identities=$(mktemp)
printf '{"identities":[{"name":"root","actions":["Admin","Read","Write","List","Tagging"],"credentials":[{"accessKey":"%s","secretKey":"%s"}]}]}\n' \
  "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" > "$identities"
exec weed server -dir=/data -ip=127.0.0.1 -ip.bind=0.0.0.0 -s3 -s3.port=9000 \
  -s3.config="$identities" -s3.port.iceberg=0 -s3.port.lance=0 \
  -master.volumeSizeLimitMB=1024 -volume.max=0 -master.telemetry=false
