#!/usr/bin/env bash
# `make prod-smoke`: the README's "Drift" section, executed. It installs with production
# settings into a temporary root, boots gunicorn (deploy/gunicorn.conf.py), a Celery worker and
# beat (deploy/celery-*.sh) exactly as the systemd units do, and checks over HTTP: health, a
# login, a report run to done and its download. Prints the figures; stops everything it
# started, also on failure.
#
# Where nginx is installed (/usr/sbin/nginx) it also runs the nginx sample
# (deploy/nginx/digiproj.conf with this run's paths, ports and a self-signed certificate) and
# the checks go through it, the download by X-Accel-Redirect; SMOKE_NGINX=0 skips that.
# What it cannot do as on a real host (README, "Drift", says so too): apt-get, the service
# user and systemctl. PostgreSQL and Redis must be running (the Makefile target starts
# them like `make test`); the database named in SMOKE_DATABASE_URL is dropped and created.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${SMOKE_PORT:-8765}
DATABASE=${SMOKE_DATABASE_URL:-postgres://digiproj:digiproj@127.0.0.1:5432/digiproj_smoke}
BROKER=${SMOKE_BROKER_URL:-redis://127.0.0.1:6379/2}
RESULTS=${SMOKE_RESULT_URL:-redis://127.0.0.1:6379/3}
CACHE=${SMOKE_CACHE_URL:-redis://127.0.0.1:6379/4}
PY=.venv/bin/python
NGINX=/usr/sbin/nginx
if [ "${SMOKE_NGINX:-1}" = 0 ] || [ ! -x "$NGINX" ]; then NGINX=""; fi
HTTPS_PORT=$((PORT + 1)); HTTP_PORT=$((PORT + 2))
ROOT=$(mktemp -d "${TMPDIR:-/tmp}/digiproj-smoke.XXXXXX")
# nginx's workers (another user when started as root) read the static and private files.
chmod 0755 "$ROOT"
PIDS=()

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  # Each process leads its own process group (setsid): TERM reaches gunicorn's and Celery's
  # children too. KILL whatever has not stopped within 20 seconds.
  for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 200); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    for log in "$ROOT"/*.log; do [ -f "$log" ] && { echo "--- $log (tail)"; tail -n 30 "$log"; }; done
  fi
  rm -rf "$ROOT"
  exit "$status"
}
trap cleanup EXIT INT TERM

start() {  # start NAME COMMAND...: in the background, in its own process group, logged
  local name=$1; shift
  setsid "$@" >"$ROOT/$name.log" 2>&1 &
  PIDS+=("$!")
}

# --- The env file: deploy/env.example with this machine's values (Drift: /etc/digiproj/env) ---
env_set() {  # env_set NAME VALUE: replace the line NAME=… (set or commented out) or append
  if grep -qE "^#? ?$1=" "$ROOT/env"; then
    NAME=$1 VALUE=$2 "$PY" - "$ROOT/env" <<'PYEOF'
import os, re, sys
path, name, value = sys.argv[1], os.environ["NAME"], os.environ["VALUE"]
text = open(path).read()
text = re.sub(rf"^#? ?{name}=.*$", lambda m: f"{name}={value}", text, count=1, flags=re.M)
open(path, "w").write(text)
PYEOF
  else
    echo "$1=$2" >>"$ROOT/env"
  fi
}
install -m 0600 deploy/env.example "$ROOT/env"
env_set DJANGO_SECRET_KEY "$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
env_set DJANGO_ALLOWED_HOSTS 127.0.0.1
env_set DJANGO_CSRF_TRUSTED_ORIGINS "https://127.0.0.1:$PORT,https://127.0.0.1:$HTTPS_PORT"
env_set DIGIPROJ_BASE_URL "https://127.0.0.1:$HTTPS_PORT"
env_set DJANGO_STATIC_ROOT "$ROOT/static"
env_set DJANGO_MEDIA_ROOT "$ROOT/media"
env_set DJANGO_PRIVATE_ROOT "$ROOT/private"
# Without nginx gunicorn sends private files itself.
[ -n "$NGINX" ] || env_set DIGIPROJ_X_ACCEL_REDIRECT_PREFIX ""
env_set DATABASE_URL "$DATABASE"
env_set CELERY_BROKER_URL "$BROKER"
env_set CELERY_RESULT_BACKEND "$RESULTS"
env_set CACHE_URL "${CACHE/redis:/rediscache:}"
env_set EMAIL_URL ""  # mail to the console (the worker's log)
env_set GUNICORN_BIND "127.0.0.1:$PORT"
env_set GUNICORN_WORKERS 2
env_set CELERY_BEAT_SCHEDULE_FILE "$ROOT/celerybeat-schedule"
mkdir -p "$ROOT/static" "$ROOT/media" "$ROOT/private"
set -a
# shellcheck disable=SC1091
. "$ROOT/env"
set +a
export DIGIPROJ_VENV=.venv

# --- The database (Drift: createuser/createdb as postgres): a fresh one each run ---
"$PY" - "$DATABASE" <<'PYEOF'
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

url = urlsplit(sys.argv[1])
name = url.path.lstrip("/")
with psycopg.connect(urlunsplit(url._replace(path="/postgres")), autocommit=True) as conn:
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
PYEOF

# --- Drift: the commands of an installation and of every upgrade ---
"$PY" manage.py check --deploy --fail-level WARNING
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py compilemessages -v0 --ignore=.venv
"$PY" manage.py collectstatic --noinput -v0
# Drift: the first project and its coordinator (the password from standard input).
EMAIL=samordnare@smoke.digiproj.test
PASSWORD=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(24))')
created=$(printf '%s\n' "$PASSWORD" | "$PY" manage.py project_start --diarienummer 2026/00001 \
  --name "Röktest" --owner "Röktest kommun" --owner-organisationsnummer 212000-2742 \
  --programme-area A --start 2026-01-01 --end 2027-12-31 --coordinator "$EMAIL" \
  --first-name Sam --last-name Ordnare --password-stdin)
echo "smoke: $created"
PROJECT=$(sed -E 's/.*\(id ([0-9]+)\).*/\1/' <<<"$created")

# --- Drift: the three services (systemd units' ExecStart) ---
STARTED_AT=$("$PY" -c 'import time; print(time.time())')
start web .venv/bin/gunicorn -c deploy/gunicorn.conf.py
start worker deploy/celery-worker.sh
start beat deploy/celery-beat.sh

CLIENT=(--base "http://127.0.0.1:$PORT")
if [ -n "$NGINX" ]; then
  # Drift step 9 with this run's paths: the sample itself, only paths, ports and the
  # certificate replaced, inside a minimal main configuration.
  mkdir -p "$ROOT/tls" "$ROOT/nginx-tmp"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$ROOT/tls/privkey.pem" \
    -out "$ROOT/tls/fullchain.pem" 2>/dev/null
  sed -e "s|listen 80;|listen 127.0.0.1:$HTTP_PORT;|" -e "s|listen 443 ssl http2;|listen 127.0.0.1:$HTTPS_PORT ssl http2;|" \
    -e '/listen \[::\]/d' -e "s|server_name digiproj.example.se;|server_name 127.0.0.1;|" \
    -e "s|/etc/ssl/digiproj/|$ROOT/tls/|" -e "s|127.0.0.1:8000|127.0.0.1:$PORT|" \
    -e "s|/srv/digiproj/static/|$DJANGO_STATIC_ROOT/|" -e "s|/srv/digiproj/private/|$DJANGO_PRIVATE_ROOT/|" \
    -e "s|/var/log/nginx/digiproj.access.log|$ROOT/nginx-access.log|" \
    deploy/nginx/digiproj.conf >"$ROOT/nginx-site.conf"
  cat >"$ROOT/nginx.conf" <<NGINXEOF
daemon off;
worker_processes 1;
pid $ROOT/nginx.pid;
error_log $ROOT/nginx-error.log warn;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  sendfile on;
  client_body_temp_path $ROOT/nginx-tmp/body;
  proxy_temp_path $ROOT/nginx-tmp/proxy;
  fastcgi_temp_path $ROOT/nginx-tmp/fastcgi;
  uwsgi_temp_path $ROOT/nginx-tmp/uwsgi;
  scgi_temp_path $ROOT/nginx-tmp/scgi;
  include $ROOT/nginx-site.conf;
}
NGINXEOF
  "$NGINX" -t -q -c "$ROOT/nginx.conf" -e "$ROOT/nginx-error.log"
  start nginx "$NGINX" -c "$ROOT/nginx.conf" -e "$ROOT/nginx-error.log"
  CLIENT=(--base "https://127.0.0.1:$HTTPS_PORT" --plain "http://127.0.0.1:$HTTP_PORT"
    --cafile "$ROOT/tls/fullchain.pem" --private-prefix "$DIGIPROJ_X_ACCEL_REDIRECT_PREFIX")
fi

printf '%s\n' "$PASSWORD" | "$PY" deploy/smoke_client.py "${CLIENT[@]}" \
  --started-at "$STARTED_AT" --email "$EMAIL" --project "$PROJECT" --period 2026-01-01 2027-12-31
for pid in "${PIDS[@]}"; do
  kill -0 "$pid" 2>/dev/null || { echo "smoke: a process died (pid $pid)" >&2; exit 1; }
done
grep -q "beat: Starting" "$ROOT/beat.log" || { echo "smoke: beat did not start" >&2; exit 1; }
echo "smoke: passed (gunicorn, worker and beat with production settings; stopping them)"
