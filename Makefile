# A newcomer's two commands: `make run` and `make test`. Each sets itself up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# Where `make run` serves: `make run PORT=8001`, or `HOST=0.0.0.0` to be reached from outside.
HOST ?= 127.0.0.1
PORT ?= 8000
# The address the printed links use (a server bound to 0.0.0.0 answers on 127.0.0.1 too).
SHOWN_HOST := $(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST))

.PHONY: run test lint format check-deploy schema bench bench-http bench-events worker clean check-port

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@echo "Installing the pinned requirements into $(VENV) (a minute or two on a fresh machine)..."
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check --progress-bar on -r requirements-dev.txt
	touch $@

## check-port: fail at once when HOST:PORT is taken, before any install
check-port:
	@$(PYTHON) -c "import socket; s = socket.socket(); s.bind(('$(HOST)', $(PORT)))" 2>/dev/null \
	|| { echo "Port $(PORT) on $(HOST) is in use: stop what uses it, or pick another port," \
	"e.g. make run PORT=8001"; exit 1; }

## run: migrate, load the demo data and serve on http://$(HOST):$(PORT) (DEBUG on)
run: check-port $(VENV)/.installed
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py createcachetable
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo --base-url http://$(SHOWN_HOST):$(PORT)
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

## worker: the Celery worker with its scheduler (the sweep), on CELERY_BROKER_URL
worker: $(VENV)/.installed
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/1)" \
	"or amqp://guest:guest@127.0.0.1:5672//); without it make run runs the tasks itself."; exit 1; }
	$(VENV)/bin/celery -A config worker --beat --loglevel=INFO

## test: the whole test suite (PostgreSQL when DB_ENGINE=postgresql, else SQLite)
test: $(VENV)/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

## lint: ruff's checks and formatting, the apps' layers (.importlinter), migrations up to date,
## the OpenAPI schema valid (drf-spectacular's own check, then openapi-spec-validator's)
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	schema=$$(mktemp --suffix=.json) && \
	  DEBUG=1 $(PY) manage.py spectacular --validate --fail-on-warn --format openapi-json \
	    --file $$schema && \
	  $(VENV)/bin/openapi-spec-validator $$schema; status=$$?; rm -f $$schema; exit $$status

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
## (the web workers publish their tasks to BENCH_BROKER, as in production; empty: threads)
BENCH_BROKER ?= redis://127.0.0.1:6379/2
bench-http: $(VENV)/.installed
	command -v wrk >/dev/null || apt-get install -y wrk
	$(PY) bench/over_http.py $(if $(BENCH_BROKER),--broker $(BENCH_BROKER)) $(BENCH_ARGS)

## bench-events: a real worker's event throughput, and an apply with a hanging SMTP server
bench-events: $(VENV)/.installed
	$(PY) bench/events.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
