# The two commands a newcomer needs: `make run` (the product, a sandbox store, a worker with beat)
# and `make test` (the whole suite). Both create the virtualenv and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
WEB_PORT ?= 8000
SANDBOX_PORT ?= 8001

.PHONY: run test bench serve-production clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime-installed
	DEBUG=true WEB_PORT=$(WEB_PORT) SANDBOX_PORT=$(SANDBOX_PORT) scripts/run-local.sh

test: $(VENV)/.test-installed
	scripts/install-chromium.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Benchmarks run the product in development mode, with its development keys.
bench: $(VENV)/.test-installed
	DEBUG=true $(BIN)/python -m bench.run_all

# DEBUG off always; listens on BIND_ADDRESS:WEB_PORT from the environment or .env (127.0.0.1:8000).
serve-production: $(VENV)/.runtime-installed
	scripts/serve-production.sh

clean:
	rm -rf $(VENV) var staticfiles test-artifacts
