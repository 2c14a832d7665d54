# Two commands a new user needs: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.txt | cut -c1-12)
PORT ?= 8501

.PHONY: setup run test lint browser data model bench clean

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

setup: $(STAMP)

run: setup
	$(PY) -m streamlit run app/main.py --server.port $(PORT)

# Debian's chromium for the browser tests; installed when missing and we are root.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install -y chromium"; exit 1; fi; }

lint: setup
	$(PY) -m ruff check .

test: setup browser lint
	$(PY) -m pytest

data: setup
	$(PY) -m core.synth

model: setup
	$(PY) -m core.train
	$(PY) -m core.report

bench: setup
	for script in bench/bench_*.py; do $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
