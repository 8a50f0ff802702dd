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
	WEB_PORT=$(WEB_PORT) SANDBOX_PORT=$(SANDBOX_PORT) scripts/run-local.sh

test: $(VENV)/.test-installed
	scripts/install-chromium.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.test-installed
	$(BIN)/python -m bench.run_all

serve-production: $(VENV)/.runtime-installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/gunicorn salesorder.wsgi --bind 0.0.0.0:$(WEB_PORT) --workers 3 --access-logfile -

clean:
	rm -rf $(VENV) var staticfiles test-artifacts
