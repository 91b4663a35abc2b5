#!/bin/sh
# Celery beat: the periodic tasks of settings.CELERY_BEAT_SCHEDULE (stalled jobs, retention,
# reminders). Run exactly ONE beat per installation, however many web and worker machines.
# systemd (digiproj-beat.service), the container image and `make prod-smoke` start it so.
set -eu
cd "$(dirname "$0")/.."
exec "${DIGIPROJ_VENV:-.venv}/bin/celery" -A digiproj beat \
  --loglevel "${CELERY_LOG_LEVEL:-INFO}" \
  --schedule "${CELERY_BEAT_SCHEDULE_FILE:-/var/lib/digiproj/celerybeat-schedule}"
