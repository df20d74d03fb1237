# The two commands of the README: `make run` and `make test`. Everything else is a step of them.
# bash: `make run` waits for the first of its two processes to stop (wait -n).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
# Folders whose strings are not the interface's (tests assert Arabic text on purpose).
MESSAGES_IGNORE := --ignore=.venv --ignore=bench --ignore=tests --ignore=staticfiles
PORT ?= 8000

.PHONY: run worker test bench install system-deps messages catalogue migrate demo lint format check-migrations check-deploy collectstatic serve-prod backup load load-kill-worker load-restart-db clean

# The web server and one background worker (imports, indexing); Ctrl-C stops both, and
# if either stops on its own the other is stopped too.
run: install messages migrate demo  ## Install, migrate, load the samples and demo users, serve on localhost
	@$(BIN)/python manage.py worker & worker=$$!; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT) & web=$$!; \
	trap 'kill $$worker $$web 2>/dev/null; wait' INT TERM EXIT; \
	wait -n $$worker $$web

worker: install  ## One background worker (run several for more throughput)
	$(BIN)/python manage.py worker

# One pytest worker per core (pytest-xdist); TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto
test: install system-deps messages lint check-migrations  ## The whole test suite, browser tests included
	$(BIN)/pytest -n $(TEST_WORKERS)

# Every speed figure in one report, bench/results/<timestamp>.md and .json (README).
# Options through ARGS, e.g. `make bench ARGS="--quick"`.
bench: install system-deps
	$(BIN)/python bench/run.py $(ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Debian's Chromium (and the Arabic fonts it renders with) for the browser tests, and
# gettext for the English catalogue (compilemessages, makemessages).
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v msgfmt >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-core gettext; \
	fi

# The English catalogue is compiled here, never committed (locale/*/LC_MESSAGES/*.mo is
# ignored). After adding strings: `make catalogue`, then translate the new and fuzzy
# English entries and give each new plural its six Arabic forms (locale/ar).
messages: install
	@command -v msgfmt >/dev/null 2>&1 || $(MAKE) system-deps
	$(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0

catalogue: install
	$(BIN)/python manage.py makemessages -l en -l ar --no-obsolete $(MESSAGES_IGNORE)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: install
	$(BIN)/python manage.py setup_demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-migrations: install
	$(BIN)/python manage.py makemigrations --check --dry-run

check-deploy: install
	DEBUG=0 SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(60))') \
		ALLOWED_HOSTS=newsdesk.example $(BIN)/python manage.py check --deploy --fail-level WARNING

collectstatic: install
	$(BIN)/python manage.py collectstatic --noinput

# Production: needs DEBUG=0, SECRET_KEY, ALLOWED_HOSTS (and DATABASE_URL for a shared server).
serve-prod: install collectstatic migrate
	$(BIN)/gunicorn -c newsdesk/gunicorn.conf.py newsdesk.wsgi

# Load tests on loopback, bounded in time, against a bench PostgreSQL of their own in
# bench/.pgdata (never the dev database): locust's simulated editors and a reviewer against
# two gunicorn servers and two `manage.py worker` processes, an import running through
# the workers meanwhile; results in bench/results/ (docs/deploy.md, section 8).
# e.g. `make load LOAD_ARGS="--users 50 --seconds 60"`
load: install
	$(BIN)/python bench/load.py $(LOAD_ARGS)

load-kill-worker: install  ## the same, a worker killed (SIGKILL) in the middle of the import
	$(BIN)/python bench/load.py --kill-worker $(LOAD_ARGS)

load-restart-db: install  ## the same, PostgreSQL stopped and started again during the run
	$(BIN)/python bench/load.py --restart-postgres $(LOAD_ARGS)

backup: install
	mkdir -p backups
	$(BIN)/python manage.py backup_database backups/newsdesk-$$(date +%Y%m%d-%H%M%S).dump

clean:
	rm -rf $(VENV) staticfiles
