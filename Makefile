# Sabueso: two commands do all set-up on a fresh machine with Python 3.11+.
#   make run   - install into .venv, build the demo case from bundled synthetic data, show it
#   make test  - install with test extras, run lint, type checks and the whole test suite

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_HOME ?= $(CURDIR)/.demo

.PHONY: run test install install-test lint typecheck i18n bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Sabueso needs Python 3.11 or newer (found: $$($(PYTHON) --version))"; exit 1; }
	@$(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV): on Debian, apt-get install python3-venv"; exit 1; }
	@$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	@rm -rf "$(DEMO_HOME)"
	@SABUESO_HOME="$(DEMO_HOME)" SABUESO_DATABASE_URL= $(BIN)/sabueso demo --show

lint: install-test
	$(BIN)/ruff check src tests bench

typecheck: install-test
	$(BIN)/mypy

test: install-test lint typecheck
	$(BIN)/python -m pytest

i18n: install-test
	@for po in src/sabueso/locale/*/LC_MESSAGES/*.po; do \
		$(BIN)/pybabel compile --use-fuzzy --input-file "$$po" --output-file "$${po%.po}.mo" || exit 1; \
	done

$(VENV)/.installed-bench: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@touch $@ $(VENV)/.installed-test $(VENV)/.installed

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/bench_add.py
	$(BIN)/python bench/bench_extract.py
	$(BIN)/python bench/bench_chats.py
	$(BIN)/python bench/bench_telegram.py
	$(BIN)/python bench/bench_cdr.py
	$(BIN)/python bench/bench_capture.py
	$(BIN)/python bench/floors.py all

clean:
	rm -rf $(VENV) .demo .pytest_cache .mypy_cache .ruff_cache build src/*.egg-info
