# Two commands a new user needs: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
APP_STAMP := $(VENV)/.app-$(shell cat requirements.txt | sha256sum | cut -c1-12)
DEV_STAMP := $(VENV)/.dev-$(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-12)
PORT ?= 8501

.PHONY: setup setup-dev run api test test-fast lint servers data model bench clean

$(APP_STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.app-* && touch $(APP_STAMP)

$(DEV_STAMP): $(APP_STAMP) requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.dev-* && touch $(DEV_STAMP)

setup: $(APP_STAMP)

setup-dev: $(DEV_STAMP)

run: setup
	$(PY) -m streamlit run app/main.py --server.port $(PORT)

# The HTTP API on 127.0.0.1:$RRADAR_API_PORT (default 8000); keys: python -m core.cli.users add-key NAME --role ...
api: setup
	$(PY) -m api

# Debian's chromium (browser tests) and PostgreSQL's server programs (the store's tests start a throwaway
# server of their own); installed when missing and we are root, else the one command to run is printed.
HAS_POSTGRES := $(shell command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && echo yes)
servers:
	@missing=""; command -v chromium >/dev/null 2>&1 || missing="chromium"; \
	[ "$(HAS_POSTGRES)" = yes ] || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "The tests need Debian's$$missing: sudo apt-get install -y$$missing"; exit 1; fi; fi

# Lint, formatting and types: ruff check, ruff format --check, mypy on core/.
lint: setup-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

test: setup-dev servers lint
	$(PY) -m pytest

# Quick loop for developers: lint and every test but the browser ones.
test-fast: setup-dev lint
	$(PY) -m pytest -m "not browser"

data: setup
	$(PY) -m core.cli.synth

model: setup
	$(PY) -m core.cli.train
	$(PY) -m core.cli.report

bench: setup-dev
	for script in bench/bench_*.py; do $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
