# digiproj – see README.md. `make run` serves the demo; `make test` runs the whole suite
# against real PostgreSQL, Redis, a Celery worker and Chromium, starting and stopping them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# Services for tests and benchmarks (started by .ci/services.sh, stopped afterwards).
TEST_ENV := DATABASE_URL=postgres://digiproj:digiproj@127.0.0.1:5432/digiproj \
	CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
	CELERY_RESULT_BACKEND=redis://127.0.0.1:6379/1 \
	DJANGO_SECRET_KEY=test-only-secret-key-not-for-production-use-0123456789 \
	DIGIPROJ_REQUIRE_SERVICES=1

.PHONY: install run worker test test-fast e2e bench lint fmt messages compilemessages \
	migrations-check check services-start services-stop prod-smoke clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check --upgrade pip
	$(VENV)/bin/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $@

compilemessages: install
	$(MANAGE) compilemessages -v0 --ignore=.venv

run: install compilemessages
	$(MANAGE) migrate --noinput -v0
	@$(MANAGE) seed_demo --print-logins
	@echo "digiproj körs på http://127.0.0.1:8000 (Ctrl+C avslutar)."
	DJANGO_DEBUG=1 $(MANAGE) runserver 127.0.0.1:8000

worker: install
	$(VENV)/bin/celery -A digiproj worker -l info

services-start:
	bash .ci/services.sh start

services-stop:
	bash .ci/services.sh stop

# The whole suite (unit, integration with a real worker, browser) on PostgreSQL and Redis, in a
# random order (pytest-randomly prints the seed; rerun one with PYTEST_ARGS=--randomly-seed=N).
test: install compilemessages
	@bash .ci/services.sh start
	@set +e; $(TEST_ENV) $(VENV)/bin/pytest --create-db -p no:cacheprovider $(PYTEST_ARGS); \
		status=$$?; bash .ci/services.sh stop; exit $$status

# SQLite, no services: a quick check while working. `make test` is the real thing.
test-fast: install compilemessages
	$(VENV)/bin/pytest -m "not e2e and not integration and not postgresql" $(PYTEST_ARGS)

e2e: install compilemessages
	@bash .ci/services.sh start
	@set +e; $(TEST_ENV) $(VENV)/bin/pytest --create-db -m e2e $(PYTEST_ARGS); \
		status=$$?; bash .ci/services.sh stop; exit $$status

# Sizes (tests/bench/data.py): BENCH_SIZES=demo,bench by default, smallest first; a size
# smaller than what the database already holds is skipped (it needs a fresh database).
bench: install
	@bash .ci/services.sh start
	@set +e; $(TEST_ENV) $(PY) -m tests.bench $(BENCH_ARGS); status=$$?; bash .ci/services.sh stop; exit $$status

# Production settings, run: gunicorn, a Celery worker and beat booted as the systemd units do
# (README, "Drift"), then health, a login, a report run and its download over HTTP; prints the
# seconds to healthy and the report run's seconds. Starts PostgreSQL and Redis like `make test`,
# and installs Debian's nginx-light when no nginx is there, so the nginx sample is run as well.
SMOKE_ENV := SMOKE_DATABASE_URL=postgres://digiproj:digiproj@127.0.0.1:5432/digiproj_smoke \
	SMOKE_BROKER_URL=redis://127.0.0.1:6379/2 \
	SMOKE_RESULT_URL=redis://127.0.0.1:6379/3 \
	SMOKE_CACHE_URL=redis://127.0.0.1:6379/4

prod-smoke: install compilemessages
	@test -x /usr/sbin/nginx || { apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends nginx-light; }
	@bash .ci/services.sh start
	@set +e; $(SMOKE_ENV) bash deploy/smoke.sh; status=$$?; bash .ci/services.sh stop; exit $$status

# mypy with django-stubs reads its settings from pyproject.toml [tool.mypy].
lint: install
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy .

fmt: install
	$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .

messages: install
	$(MANAGE) makemessages -a --no-location --ignore=.venv --ignore=node_modules
	$(MANAGE) compilemessages -v0 --ignore=.venv

migrations-check: install
	$(MANAGE) makemigrations --check --dry-run

check: lint migrations-check test

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 media private
