# Tierdesk: `make run` serves the app with demo data, `make test` runs the whole suite.

PYTHON ?= python3
VENV ?= .venv
PORT ?= 5000
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi

.PHONY: run serve test test-pg lint typecheck bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

# The scheduler (SLA sweep, mail delivery) and the inbound mail endpoint (SMTP on 127.0.0.1:2525)
# run beside the development server and stop with it. Without MAIL_URL nothing leaves the
# machine: every mail lands in instance/mail/, shown at /dev/mail.
run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) scheduler run & SCHEDULER=$$!; \
	$(FLASK) mail serve & INBOUND=$$!; \
	trap 'kill $$SCHEDULER $$INBOUND 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# The production server: gunicorn (gunicorn.conf.py), the one scheduler and the inbound mail
# endpoint (MAIL_INBOUND_HOST:PORT, for the site's MTA to forward to), stopped together.
# Set TIERDESK_ENV=production, SECRET_KEY, BASE_URL and DATABASE_URL first (see the README).
serve: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) scheduler run & SCHEDULER=$$!; \
	$(FLASK) mail serve & INBOUND=$$!; \
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app & WEB=$$!; \
	trap 'kill $$SCHEDULER $$INBOUND $$WEB 2>/dev/null; wait' EXIT INT TERM; \
	wait $$WEB

test: $(VENV)/.dev-installed
	$(BIN)/pytest

# The suite again on a throwaway PostgreSQL cluster started in a temp dir.
test-pg: $(VENV)/.dev-installed
	scripts/with-postgres.sh $(BIN)/pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

bench: $(VENV)/.installed
	$(BIN)/python -m bench.rules

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
