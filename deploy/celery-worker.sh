#!/bin/sh
# The Celery worker: report runs, survey exports, participant imports, mail. systemd
# (digiproj-worker.service), the container image and `make prod-smoke` start it through this.
# Settings come from the environment (/etc/digiproj/env).
set -eu
cd "$(dirname "$0")/.."
exec "${DIGIPROJ_VENV:-.venv}/bin/celery" -A digiproj worker \
  --loglevel "${CELERY_LOG_LEVEL:-INFO}" \
  --concurrency "${CELERY_CONCURRENCY:-2}" \
  --without-gossip --without-mingle \
  --hostname "digiproj-worker@%h"
