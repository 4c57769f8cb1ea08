#!/busybox/sh
# `rolegate` on PATH in the image's shell variant (Dockerfile target `shell`), for CI jobs that run a script in
# the image (GitLab's `image:`) rather than the image's entrypoint.
exec /nodejs/bin/node /app/dist/cli/main.js "$@"
