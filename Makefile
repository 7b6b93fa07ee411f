# A newcomer's two commands: `make run` and `make test`. Each sets itself up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format check-deploy schema bench bench-http clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

## run: migrate, load the demo data and serve the API on http://127.0.0.1:8000 (DEBUG on)
run: $(VENV)/.installed
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py createcachetable
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

## test: the whole test suite (PostgreSQL when DB_ENGINE=postgresql, else SQLite)
test: $(VENV)/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

## lint: ruff's checks and formatting, the apps' layers (.importlinter), migrations up to date,
## the OpenAPI schema valid
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DEBUG=1 $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## check-deploy: Django's deployment checklist with the production settings of .env.example
check-deploy: $(VENV)/.installed
	set -a && . ./.env.example && set +a && $(PY) manage.py check --deploy --fail-level WARNING

## bench: measure the hot endpoints in one process (see bench/README.md)
bench: $(VENV)/.installed
	DEBUG=1 $(PY) bench/run.py

## bench-http: gunicorn on PostgreSQL + Redis under wrk, ratios to plain Django, growth 1k->100k
bench-http: $(VENV)/.installed
	command -v wrk >/dev/null || apt-get install -y wrk
	$(PY) bench/over_http.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
