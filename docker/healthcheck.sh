#!/bin/bash
# The images' HEALTHCHECK: healthy while <context>/health/ready answers 200 (UP; 503 while draining or with the
# application executor saturated, or before the application is deployed). Plain bash (/dev/tcp), so it needs no curl
# in any base image. Settings (environment of the container):
#   POSTMASTER_HEALTHCHECK_PORT  the HTTP port inside the container (default 8080)
#   POSTMASTER_HEALTHCHECK_PATH  the readiness path, with the context (default /health/ready)
#   POSTMASTER_HEALTHCHECK_AUTH  user:password sent with HTTP BASIC, when postmaster.operator.role protects /health
set -u
port=${POSTMASTER_HEALTHCHECK_PORT:-8080}
path=${POSTMASTER_HEALTHCHECK_PATH:-/health/ready}
auth=""
if [ -n "${POSTMASTER_HEALTHCHECK_AUTH:-}" ]; then
  auth="Authorization: Basic $(printf '%s' "$POSTMASTER_HEALTHCHECK_AUTH" | base64 | tr -d '\n')"$'\r\n'
fi
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n%sConnection: close\r\n\r\n' "$path" "$port" "$auth" >&3
IFS= read -r -t 5 status <&3 || exit 1
case "$status" in
  "HTTP/1."?" 200"*) exit 0 ;;
  *) echo "readiness: ${status%$'\r'}"; exit 1 ;;
esac
