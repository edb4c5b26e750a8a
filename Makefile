# The two newcomer commands: `make run` and `make test`. Both create .venv and install what they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PG_SANDBOX_URL ?= postgres://postgres@127.0.0.1:5432/sandbox
PORT ?= 8000

.PHONY: run manage test test-postgres lint bench install messages mutate clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Install, migrate, seed the sandbox, connect to it, and start the web server and the worker.
## The scheduled export starts off (switch it on on the front page); EXPORT_ON=1 starts with it on.
run: $(STAMP)
	DEBUG=1 PORT=$(PORT) $(BIN)/python manage.py run_local --port $(PORT) $(if $(EXPORT_ON),--export-on)

## Any management command with the development settings, as the guide gives them:
## make manage ARGS="export_invoices --dry-run"
manage: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py $(ARGS)

## Install and run the whole test suite on the embedded SQLite database.
test: $(STAMP)
	DEBUG=1 $(BIN)/python -m pytest

## The same suite against PostgreSQL (127.0.0.1:5432, trust auth).
test-postgres: $(STAMP)
	DEBUG=1 DATABASE_URL=$(PG_URL) SANDBOX_DATABASE_URL=$(PG_SANDBOX_URL) $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py bench

## Mutation testing of the core rules (docs/testing.md); prints every mutant that survived.
mutate: $(STAMP)
	rm -rf mutants
	DEBUG=1 $(BIN)/mutmut run --max-children 2 > /dev/null
	DEBUG=1 $(BIN)/python -m tests.mutation_report

## Recompile the committed translation files after editing locale/*/LC_MESSAGES/django.po.
messages: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3* sandbox.sqlite3* staticfiles mutants
