# Thin targets over the medkg CLI. `make help` lists them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: help run test quick fuzz validate export site serve bench bench-peers clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/medkg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

run: $(BIN)/medkg ## validate the embedded graph and summarise what it holds
	$(BIN)/medkg run

fuzz: $(BIN)/medkg ## SHACL engine vs pySHACL on random graphs (FUZZ_CASES, default 20000), and the input fuzz targets (FUZZ_EXAMPLES, default 2000 each)
	FUZZ_CASES=$${FUZZ_CASES:-20000} $(BIN)/python -m pytest -q tests/test_shacl_differential.py
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-2000} $(BIN)/python -m pytest -q tests/test_fuzz_inputs.py

validate: $(BIN)/medkg ## validate data/ (same as python validate.py)
	$(BIN)/python validate.py

test: $(BIN)/medkg ## run the whole test suite (lint included)
	$(BIN)/ruff check medkg tests benchmarks validate.py
	$(BIN)/python -m pytest

quick: $(BIN)/medkg ## the test suite without the slow pySHACL comparisons and mutation run
	$(BIN)/python -m pytest -m "not slow"

export: $(BIN)/medkg ## write the release files into dist/
	$(BIN)/medkg export

site: $(BIN)/medkg ## write the static site into site/ (open site/index.html)
	$(BIN)/medkg site

serve: $(BIN)/medkg ## serve the graph read-only at http://127.0.0.1:7878/query, with the site's pages (Ctrl-C stops it)
	$(BIN)/medkg serve

bench: $(BIN)/medkg ## run the benchmarks (about 40 minutes; Jena too if installed); writes benchmarks/RESULTS.md
	$(BIN)/python benchmarks/run.py

bench-peers: $(BIN)/medkg ## install the peer SHACL engines (Jena: Debian, needs root; shacl, pyrudof: .venv-peers) and measure them beside medkg
	command -v java >/dev/null && ls /usr/share/java/jena-core.jar >/dev/null 2>&1 || apt-get install -y default-jre-headless libapache-jena-java
	test -x .venv-peers/bin/python || ($(PYTHON) -m venv .venv-peers && .venv-peers/bin/python -m pip install --quiet shacl==0.3.4 pyrudof==0.3.35)
	$(BIN)/python benchmarks/peers.py

clean: ## remove the virtual environment, caches, dist/ and site/
	rm -rf $(VENV) .pytest_cache .medkg_cache *.egg-info dist site
