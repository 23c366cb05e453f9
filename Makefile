# Roundtable: every command a developer, CI or an operator needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
UV := $(BIN)/uv
export UV_PYTHON_DOWNLOADS := never
export UV_NO_CACHE := 0
HOST ?= 127.0.0.1
PORT ?= 8000
SEED ?= 1
PROFILES ?= 3000

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z][a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# --- Installing ----------------------------------------------------------------------------------
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/uv.lock

$(VENV)/.main-installed: requirements/main.lock | $(BIN)/python
	$(UV) pip install --quiet --python $(BIN)/python --require-hashes -r requirements/main.lock
	@touch $@

$(VENV)/.dev-installed: requirements/dev.lock | $(BIN)/python
	$(UV) pip install --quiet --python $(BIN)/python --require-hashes -r requirements/dev.lock
	@touch $@ $(VENV)/.main-installed

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

build/static/roundtable/application.css: node_modules/.installed $(wildcard static/scss/*.scss)
	npm run --silent build

.PHONY: install install-dev assets
install: $(VENV)/.main-installed assets ## Install the locked runtime dependencies and front-end packages
install-dev: $(VENV)/.dev-installed assets ## Install everything development and tests need
assets: build/static/roundtable/application.css ## Build the stylesheet from GOV.UK and MOJ Frontend

.PHONY: lock
lock: ## Re-resolve pyproject.toml into the hashed lock files (needs the registry)
	$(UV) pip compile pyproject.toml --python $(PYTHON) --generate-hashes --no-emit-index-url --no-header -q -o requirements/main.lock
	$(UV) pip compile pyproject.toml --group dev --python $(PYTHON) --generate-hashes --no-emit-index-url --no-header -q -o requirements/dev.lock

# --- Running the demo ----------------------------------------------------------------------------
.PHONY: demo demo-data serve otp
demo: export ROUNDTABLE_ENV := demo
demo: demo-data ## Install, migrate SQLite, load the Fenshire demo partnership and serve it on :8000
	@$(MAKE) --no-print-directory serve

demo-data: export ROUNDTABLE_ENV := demo
demo-data: install ## The same without serving: install, migrate, load the demo, print the personas
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) migrate --noinput --verbosity 0
	$(MANAGE) demo_partnership --seed $(SEED) --profiles $(PROFILES)
	$(MANAGE) demo_personas

serve: export ROUNDTABLE_ENV ?= demo
serve: ## Serve the app with gunicorn and run the background worker and scheduler beside it
	@echo "Roundtable is at http://$(HOST):$(PORT)/  (stop with Ctrl-C)"
	@if [ "$$ROUNDTABLE_ENV" = demo ]; then echo "Sign-in codes for the demo personas: run 'make otp' in another terminal."; fi
	@trap 'kill 0' EXIT INT TERM; \
	  $(MANAGE) db_worker --queue-name '*' --interval 1 & \
	  $(MANAGE) run_scheduler & \
	  $(BIN)/gunicorn roundtable.wsgi:application --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-3} \
	    --access-logfile - --access-logformat '{"time":"%(t)s","method":"%(m)s","status":%(s)s,"ms":%(M)s,"request_id":"%({x-request-id}o)s"}' ; \
	  wait

otp: export ROUNDTABLE_ENV ?= demo
otp: ## Print each demo persona's current one-time sign-in code
	@$(MANAGE) demo_personas --codes

# --- Checking ------------------------------------------------------------------------------------
.PHONY: test test-fast chromium lint typecheck migrations-check deploy-check bench
test: install-dev chromium ## Install what the tests need and run the whole suite
	@status=0; $(BIN)/pytest -n 2 --dist loadgroup -q || status=$$?; \
	  if [ $$status -eq 5 ]; then echo "pytest collected no tests: that is a failure, not a pass." >&2; fi; \
	  exit $$status

test-fast: install-dev ## The suite without the browser journeys
	$(BIN)/pytest -n 2 -q -m "not browser"

chromium: ## Install Debian's Chromium for the browser tests when it is missing
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

lint: install-dev ## ruff format check and lint
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

# django-stubs imports the settings; the test environment needs no secrets to do so.
typecheck: install-dev ## mypy --strict with django-stubs
	ROUNDTABLE_ENV=test $(BIN)/mypy roundtable

migrations-check: install-dev ## Fail when a model change has no migration
	ROUNDTABLE_ENV=test $(MANAGE) makemigrations --check --dry-run

deploy-check: install-dev ## Django's deployment checklist against production settings
	ROUNDTABLE_ENV=production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=roundtable.example \
	  DATABASE_URL=sqlite:///$$(mktemp -d)/deploy-check.sqlite3 $(MANAGE) check --deploy --fail-level WARNING

bench: install-dev ## Benchmarks at the sizes the issues name (docs/performance.md); SIZE=10000 DB=sqlite FRESH=1
	$(BIN)/python -m roundtable.benchmarks $(if $(SIZE),--size $(SIZE)) $(if $(DB),--db $(DB)) $(if $(FRESH),--fresh)

.PHONY: clean
clean: ## Remove the virtual environment, node_modules, built assets and the demo database
	rm -rf $(VENV) node_modules build staticfiles var
