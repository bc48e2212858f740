# syntax=docker/dockerfile:1
# One image for all five Postline services (list, campaign, render, submission, mta).
#
#   docker build -t postline:0.1.0 .
#   docker run --rm -e POSTLINE_BIND_HOST=0.0.0.0 ... postline:0.1.0 mta     # or -e POSTLINE_SERVICE=mta
#
# The Helm chart does not rely on the entry point: it runs each service with
#   node -r tsconfig-paths/register /app/dist/services/<service>/src/main.js
# See docs/operations/install.md for building and pushing to your registry.
#
# Stage 1 installs exactly the locked dependencies, generates the protobuf code and
# compiles TypeScript, then drops the dev dependencies. Stage 2 copies only what runs:
# the compiled tree, production node_modules, proto/ (gRPC reflection loads the .proto
# files at run time), the list service's openapi.yaml and tsconfig.base.json (tsconfig-paths resolves the @postline/*
# aliases from it). The runtime image has no shell or package manager and runs as the
# numeric non-root user 65532, which the chart's securityContext expects.

ARG NODE_IMAGE=node:20-bookworm-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs20-debian12:nonroot

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV CI=true NX_DAEMON=false NX_NO_CLOUD=true NPM_CONFIG_UPDATE_NOTIFIER=false
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund --loglevel=error
COPY tsconfig.base.json tsconfig.build.json buf.yaml buf.gen.yaml ./
COPY scripts/ scripts/
COPY proto/ proto/
COPY libs/ libs/
COPY services/ services/
COPY tools/ tools/
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund --loglevel=error \
 && rm -rf dist/tools dist/.tsbuildinfo

FROM ${RUNTIME_IMAGE}
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="postline" \
      org.opencontainers.image.description="Postline email delivery platform: list, campaign, render, submission and mta services" \
      org.opencontainers.image.version="${VERSION}"
WORKDIR /app
# distroless keeps node in /nodejs/bin; node images in /usr/local/bin. The chart's
# command is a bare `node`, so both must be on PATH.
ENV PATH=/nodejs/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    NODE_ENV=production \
    TS_NODE_BASEURL=/app/dist \
    TS_NODE_PROJECT=/app/tsconfig.base.json \
    POSTLINE_BIND_HOST=0.0.0.0
COPY --from=build --chown=0:0 /app/package.json /app/tsconfig.base.json ./
COPY --from=build --chown=0:0 /app/node_modules/ node_modules/
COPY --from=build --chown=0:0 /app/dist/ dist/
COPY --from=build --chown=0:0 /app/proto/ proto/
# The list service serves its REST API description (GET /openapi.yaml) from this file.
COPY --from=build --chown=0:0 /app/services/list/openapi.yaml services/list/openapi.yaml
COPY --chown=0:0 deploy/docker/entrypoint.js /app/entrypoint.js
# Files stay owned by root and read-only to the service user; the chart also mounts
# the root filesystem read-only and gives the process a writable /tmp only.
USER 65532:65532
EXPOSE 8080 9090
ENTRYPOINT ["node", "/app/entrypoint.js"]
