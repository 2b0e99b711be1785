# Jigai (技改通). Needs only Python 3.11, make and npm; everything else is installed from the lock files.
#   make run    install, migrate, load demo data on an empty database, serve http://127.0.0.1:8000
#               (HOST=… PORT=… to listen elsewhere; Ctrl-C stops the server and the task worker)
#   make test   install, then the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test install serve lint typecheck check bench e2e-deps clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON) --quiet
	touch $@

node_modules/.installed: package-lock.json package.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

jigai/static/dist/.built: node_modules/.installed frontend/build.mjs $(wildcard frontend/src/*)
	npm run --silent build
	touch $@

install: $(VENV)/.synced jigai/static/dist/.built

# The last line execs serve_demo, the parent of gunicorn and the task worker, in make's process
# group: Ctrl-C, or a SIGTERM to make (which make passes on), stops all of them together.
run: install
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py setup_demo --url http://$(HOST):$(PORT)
	JIGAI_OTP_DEMO_EXEMPT=$${JIGAI_OTP_DEMO_EXEMPT:-1} JIGAI_SITE_URL=$${JIGAI_SITE_URL:-http://$(HOST):$(PORT)} exec $(PY) manage.py serve_demo --host $(HOST) --port $(PORT)

test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.synced
	$(VENV)/bin/mypy jigai bench

check: lint typecheck
	$(PY) manage.py makemigrations --check --dry-run

bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) node_modules jigai/static/dist var/staticfiles
