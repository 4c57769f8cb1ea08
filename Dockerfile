# syntax=docker/dockerfile:1
# The rolegate image: TypeScript compiled in a build stage, production dependencies installed in a second one,
# and only dist/, node_modules/ and package.json (plus crds/ and examples/, as in the npm package) on a
# distroless Node.js runtime that runs as UID 65532 and has no shell and no package manager.
# test/integration/image-build.test.ts performs these steps without a Docker engine: keep every COPY source
# and RUN command runnable from a clean checkout.
#
# No registry publishes this image: build it and push it where your cluster and CI pull from (docs/container-image.md).
#   docker build -t localhost/rolegate:0.1.0 .                       # the controller (the default, last stage)
#   docker run --rm -v "$PWD:/work:ro" -w /work localhost/rolegate:0.1.0 validate manifests/
#   docker build --target shell -t localhost/rolegate:0.1.0-shell .   # + a busybox shell, `rolegate` on PATH (GitLab CI)

ARG NODE_IMAGE=node:24-bookworm-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs24-debian12:nonroot
# The same runtime with busybox (/busybox/sh): for CI systems that need a shell in the job's image.
ARG SHELL_RUNTIME_IMAGE=gcr.io/distroless/nodejs24-debian12:debug-nonroot
# VERSION is package.json's version (checked by the image-build test); CI passes --build-arg for releases.
ARG VERSION=0.1.0
# The repository the image is built from; empty unless the build passes it (no invented URL).
ARG SOURCE=
ARG REVISION=unknown

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# `prepare` would run the TypeScript build before the sources are here; the build runs below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/bundle-cli.mjs scripts/code-cache.mjs scripts/build-info.mjs ./scripts/
# `rolegate version` reports the commit: the build has no .git, so it records the REVISION build argument.
ARG REVISION
RUN npm run build && node scripts/build-info.mjs --commit "${REVISION}"

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` runs tsc, a devDependency that --omit=dev leaves out.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# The application tree, shared by both runtime variants.
FROM scratch AS app
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY crds ./crds
COPY examples ./examples

# `docker build --target shell`: the runtime plus busybox, for CI jobs that run scripts inside the image (GitLab's
# `image:` needs sh). `rolegate` is on PATH; the entrypoint is the shell's, so a job's script runs as written.
FROM ${SHELL_RUNTIME_IMAGE} AS shell
ARG VERSION
ARG SOURCE
ARG REVISION
LABEL org.opencontainers.image.title="rolegate" \
      org.opencontainers.image.description="Keeps privileged identity roles behind MFA (with a shell, for CI jobs)" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
COPY --from=app /app /app
COPY docker/rolegate.sh /usr/local/bin/rolegate
ENV NODE_ENV=production
ENV NODE_OPTIONS="--max-old-space-size=128 --max-semi-space-size=2"
ENV PATH=/usr/local/bin:/nodejs/bin:/usr/bin:/bin:/busybox
USER 65532:65532
ENTRYPOINT ["/busybox/sh"]
CMD ["-c", "rolegate --help"]

# The controller image (the default target): no shell.
FROM ${RUNTIME_IMAGE}
ARG VERSION
ARG SOURCE
ARG REVISION
LABEL org.opencontainers.image.title="rolegate" \
      org.opencontainers.image.description="Keeps privileged identity roles behind MFA: PrivilegedRole manifests in git, enforced by a Kubernetes controller" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
COPY --from=app /app /app
WORKDIR /app
ENV NODE_ENV=production
# V8 sizes its heap from the machine's memory, not the container's limit, and lets garbage grow to match: cap the
# old generation and shrink the young one (V8's default is 3 x 16 MiB). These fit the chart's default 256Mi limit,
# which holds 5,000 PrivilegedRoles (docs/operations.md, "Memory sizing"); the chart sets NODE_OPTIONS from
# resources.limits.memory, so this default is for `docker run` only. With `docker run -m`, set NODE_OPTIONS to match.
ENV NODE_OPTIONS="--max-old-space-size=128 --max-semi-space-size=2"
# distroless "nonroot" is 65532; numeric so Kubernetes can verify runAsNonRoot.
USER 65532:65532
EXPOSE 8080
# The distroless image has node at /nodejs/bin/node and not on PATH.
ENTRYPOINT ["/nodejs/bin/node", "/app/dist/cli/main.js"]
CMD ["run", "--kubernetes", "--leader-elect", "--http-addr", ":8080", "--log-format", "json"]
