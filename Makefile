# consult — two commands do everything on a fresh machine:
#   make run    environment, migrated SQLite database in instance/, 2018 demo, the app on :5000
#   make test   environment, then the test suite
# Nothing else needs to be prepared: only Python 3.11+ (npm, when present, brings htmx and the
# HTML checker; its test needs java).

SHELL := /bin/bash
PORT ?= 5000
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app consult
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { command -v $$p; break; }; done)
HTMX := static/vendor/htmx.min.js
NPM_PACKAGES := node_modules/.installed
CATALOGS := $(patsubst %.po,%.mo,$(wildcard consult/translations/*/LC_MESSAGES/messages.po))

.PHONY: run test lint soak setup db demo messages lock clean help capture-timing render-timing bench
.DEFAULT_GOAL := help

help:
	@echo "make run    - set up, migrate instance/consult.sqlite3, load the 2018 demo, serve on http://127.0.0.1:$(PORT)"
	@echo "make test   - set up and run the tests (TEST_DATABASE_URL=postgresql+psycopg://... for PostgreSQL)"
	@echo "make lint   - ruff (pyflakes, pycodestyle, isort, bugbear, pyupgrade; settings in pyproject.toml)"
	@echo "make soak   - the load-and-fault test for 10 minutes (SOAK_SECONDS=...; TEST_DATABASE_URL for PostgreSQL)"
	@echo "make messages - extract UI strings and update the catalogs"
	@echo "make lock   - re-pin requirements*.txt from pyproject.toml"
	@echo "make capture-timing - server time of the board's add-entry and nothing-changed refresh"
	@echo "make render-timing  - summary render time (demo, ENTRIES=600) next to raw WeasyPrint"
	@echo "make bench  - gunicorn + load generator: the benchmark table next to bare Flask baselines (DATABASE_URL=postgresql+psycopg://... for PostgreSQL; BENCH_SECONDS=...)"

$(PY):
	@test -n "$(PYTHON)" || { echo "consult needs Python 3.11 or newer (python3.11, python3.12, ...) on PATH." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(PY) requirements.txt requirements-dev.txt pyproject.toml
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

# npm's packages, as package-lock.json pins them: htmx (copied to static/vendor) and, for the
# tests, the Nu HTML Checker (vnu-jar; tests/test_html_valid.py runs it with the system's java).
# No install scripts: vnu-jar's would download a Java runtime from the internet.
$(NPM_PACKAGES): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: htmx is not installed (every page still works, without live updates)," \
			"nor the HTML checker (its test is skipped)." >&2; \
	fi

$(HTMX): $(NPM_PACKAGES)
	@if [ -f node_modules/htmx.org/dist/htmx.min.js ]; then \
		mkdir -p static/vendor && cp node_modules/htmx.org/dist/htmx.min.js $@; \
	fi

%.mo: %.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

setup: $(VENV)/.installed $(CATALOGS) $(HTMX)

db: setup
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo

run: demo
	@echo "Serving consult on http://127.0.0.1:$(PORT) (Ctrl+C to stop). Log in with an account above."
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# One test process per core (pytest-xdist); TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= auto
test: setup
	$(VENV)/bin/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The linter CI runs (settings in pyproject.toml); `ruff check --fix .` fixes what it can.
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

# The load-and-fault test of `make test`, longer: gunicorn with 4 workers, 8 NGO submitters and
# 6 facilitators, one SIGKILL per 45 s of run time (spread over its middle 60 %); then every
# acknowledged write is checked in the database.
SOAK_SECONDS ?= 600
soak: setup
	LOAD_SECONDS=$(SOAK_SECONDS) LOAD_KILLS=$$(( $(SOAK_SECONDS) / 45 + 1 )) LOAD_WORKERS=4 \
	LOAD_SUBMITTERS=8 LOAD_FACILITATORS=6 $(VENV)/bin/pytest -p no:xdist tests/test_load.py -s -q

capture-timing: setup
	$(PY) scripts/capture_timing.py

render-timing: setup
	$(PY) scripts/render_timing.py

# Seeds a fresh database (SQLite in a temporary folder, or DATABASE_URL's PostgreSQL, whose
# public schema is emptied), serves consult and bare baselines under gunicorn, prints one table
# and writes bench-results/bench-<database>.json. Options: see scripts/bench/run.py.
bench: setup
	$(PY) -m scripts.bench

messages: setup
	$(VENV)/bin/pybabel extract -F babel.cfg -k lazy_gettext -k _l --no-location --sort-output \
		--project consult -o consult/translations/messages.pot .
	$(VENV)/bin/pybabel update -i consult/translations/messages.pot -d consult/translations --width 100 --ignore-obsolete
	$(PY) scripts/english_catalog.py

lock:
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/pip install --quiet .
	{ echo "# Exact versions of everything the app needs at run time (pip freeze of a clean install)."; \
	  echo "# Regenerate with: make lock"; .lockvenv/bin/pip freeze --exclude consult; } > requirements.txt
	.lockvenv/bin/pip install --quiet '.[dev]'
	{ echo "# Test and development tools, on top of requirements.txt. Regenerate with: make lock"; \
	  echo "-r requirements.txt"; .lockvenv/bin/pip freeze --exclude consult | grep -vxFf <(grep -v '^#' requirements.txt); } > requirements-dev.txt
	rm -rf .lockvenv

clean:
	rm -rf $(VENV) node_modules static/vendor consult/translations/*/LC_MESSAGES/*.mo
