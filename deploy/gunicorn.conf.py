"""gunicorn settings for digiproj: `gunicorn -c deploy/gunicorn.conf.py` (systemd, the
container image and `make prod-smoke` all start it this way). Each setting can be overridden
through the environment (/etc/digiproj/env), never edited here per installation."""

from __future__ import annotations

import multiprocessing
import os

wsgi_app = "digiproj.wsgi:application"

# nginx on the same host proxies to this address; in the container image 0.0.0.0:8000.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Synchronous workers: the pages are short database reads, long work goes to Celery. Two per
# core plus one is gunicorn's own advice for that kind of load.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# A request that takes longer than this is a bug (report files are made by the worker, and
# downloads are sent by nginx through X-Accel-Redirect): kill the worker rather than queue.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 1000
max_requests_jitter = 100
# Heartbeat files in memory: a container's overlay filesystem can stall fsync for seconds.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# X-Forwarded-Proto/-For are trusted only from the proxy (nginx on this host by default);
# Django's SECURE_PROXY_SSL_HEADER then knows the request came over HTTPS.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stdout/stderr (journald or the container runtime keep them).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The path without its query string (%(U)s, not %(r)s): a query can carry a name, an email
# or a personnummer from a search box. No Referer either, for the same reason.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
