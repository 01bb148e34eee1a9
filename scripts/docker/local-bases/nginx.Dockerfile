# Local stand-in for nginxinc/nginx-unprivileged: Debian's nginx as uid 101 on 8080, rendering
# /etc/nginx/templates/*.template into conf.d at start (envsubst), as the official image does.
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
    && apt-get install -y --no-install-recommends nginx-light gettext-base wget \
    && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled /etc/nginx/conf.d/* \
    && groupadd --system --gid 101 nginx-unprivileged \
    && useradd --system --uid 101 --gid 101 --no-create-home nginx-unprivileged \
    && mkdir -p /etc/nginx/templates /usr/share/nginx/html \
    && chown -R 101:0 /etc/nginx/conf.d /var/log/nginx /var/lib/nginx \
    && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log
COPY nginx.conf /etc/nginx/nginx.conf
COPY nginx-entrypoint.sh /docker-entrypoint.sh
USER 101
EXPOSE 8080
STOPSIGNAL SIGQUIT
ENTRYPOINT ["/docker-entrypoint.sh"]
CMD ["nginx", "-g", "daemon off;"]
