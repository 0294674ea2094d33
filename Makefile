# Thin targets over the medkg CLI. `make help` lists them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: help run test validate clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/medkg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

run: $(BIN)/medkg ## validate the embedded graph and summarise what it holds
	$(BIN)/medkg run

validate: $(BIN)/medkg ## validate data/ (same as python validate.py)
	$(BIN)/python validate.py

test: $(BIN)/medkg ## run the whole test suite
	$(BIN)/python -m pytest

clean: ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache *.egg-info
