# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_OUT ?= out/demo
# The map's test renders map.html in a real browser: Debian's chromium, driven by Playwright.
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: demo test lint typecheck pytest install clean lock chromium postgres

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# A file target: nothing to do (and no apt-get update) when chromium is already there.
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "chromium is missing at $(CHROMIUM) and there is no apt-get: install chromium there" >&2; exit 1; }
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium

chromium: $(CHROMIUM)

# The API's tests run on SQLite and again on a real PostgreSQL server: Debian's, on loopback
# only (scripts/postgres.sh installs, starts and prepares it; quick when that is done).  Its
# URL is kept in $(PG_URL) for the tests.  REPAT_SKIP_POSTGRES=1 skips it and its tests.
PG_URL := $(VENV)/postgres-url
postgres:
	@mkdir -p $(VENV)
	@bash scripts/postgres.sh > $(PG_URL).part && mv $(PG_URL).part $(PG_URL)
	@echo "REPAT_TEST_POSTGRES_URL=$$(cat $(PG_URL))"

demo: $(STAMP)
	$(BIN)/repat demo --out $(DEMO_OUT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) $(CHROMIUM) postgres
	REPAT_TEST_POSTGRES_URL="$$(cat $(PG_URL))" $(BIN)/pytest -q

test: lint typecheck pytest

# Refresh the pinned versions after changing dependencies in pyproject.toml.
lock:
	$(BIN)/pip freeze --exclude-editable > requirements.lock

clean:
	rm -rf $(VENV) out .mypy_cache .pytest_cache .ruff_cache .hypothesis
