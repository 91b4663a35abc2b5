#!/usr/bin/env bash
# Install (when missing) and start PostgreSQL and Redis on 127.0.0.1 for tests, without systemd.
# `start` records what it started in $STATE_DIR so that `stop` stops only that. Idempotent.
set -euo pipefail

PG_ROLE=${PG_ROLE:-digiproj}; PG_PASS=${PG_PASS:-digiproj}; PG_DB=${PG_DB:-digiproj}
PG_PORT=${PG_PORT:-5432}; REDIS_PORT=${REDIS_PORT:-6379}
STATE_DIR=${STATE_DIR:-/tmp/digiproj-services}
REDIS_DIR="$STATE_DIR/redis-$REDIS_PORT"
# xmlsec1: the SAML identity provider of the SSO tests (pysaml2) signs with it.
PKGS="postgresql redis-server chromium chromium-driver gettext libpq-dev xmlsec1"

install() {
  if ! dpkg -s $PKGS >/dev/null 2>&1; then
    echo "Installing Debian packages: $PKGS"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $PKGS
  fi
}

start() {
  install
  mkdir -p "$STATE_DIR"
  local pgver
  pgver=$(ls /usr/lib/postgresql | sort -V | tail -1)
  if ! pg_lsclusters -h | awk -v v="$pgver" '$1==v && $2=="main"' | grep -q .; then
    pg_createcluster "$pgver" main --port "$PG_PORT" >/dev/null
  fi
  if ! pg_lsclusters -h | awk -v v="$pgver" '$1==v && $2=="main" && $4=="online"' | grep -q .; then
    pg_ctlcluster "$pgver" main start
    echo "$pgver" > "$STATE_DIR/pg-started"
  fi
  for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break; sleep 0.2; done
  pg_isready -q -h 127.0.0.1 -p "$PG_PORT"
  ( cd / && runuser -u postgres -- psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -q ) <<SQL
SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', '$PG_ROLE', '$PG_PASS')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE')\gexec
SELECT format('CREATE DATABASE %I OWNER %I', '$PG_DB', '$PG_ROLE')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB')\gexec
SQL
  if [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" != "PONG" ]; then
    mkdir -p "$REDIS_DIR"
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save '' --appendonly no \
      --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log"
    for _ in $(seq 1 50); do
      [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ] && break; sleep 0.1
    done
    touch "$STATE_DIR/redis-started"
  fi
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null
  echo "PostgreSQL on 127.0.0.1:$PG_PORT (database $PG_DB), Redis on 127.0.0.1:$REDIS_PORT: up"
}

stop() {
  if [ -f "$STATE_DIR/redis-started" ]; then
    if [ -f "$REDIS_DIR/redis.pid" ]; then kill "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null || true; fi
    rm -f "$STATE_DIR/redis-started"
    echo "Redis stopped"
  fi
  if [ -f "$STATE_DIR/pg-started" ]; then
    pg_ctlcluster "$(cat "$STATE_DIR/pg-started")" main stop -m fast || true
    rm -f "$STATE_DIR/pg-started"
    echo "PostgreSQL stopped"
  fi
}

case "${1:-start}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 install|start|stop" >&2; exit 2 ;;
esac
