# CityOps. Every target creates what it needs; start with `make run` or `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
TOOLS := .venv-tools
CHECKOV := .venv-checkov
PY := $(VENV)/bin/python
PORT ?= 3000
MOTO_PORT ?= 5005

.PHONY: console web-test browser run test lint check-template unit integration e2e bench profile build deploy openapi diagrams import-units clean

$(VENV)/.installed: pyproject.toml layers/cityops/requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

$(TOOLS)/.installed: requirements-tools.txt
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet -r requirements-tools.txt
	touch $@

# checkov pins what aws-sam-cli pins otherwise: an environment of its own
$(CHECKOV)/.installed: requirements-checkov.txt
	test -x $(CHECKOV)/bin/python || $(PYTHON) -m venv $(CHECKOV)
	$(CHECKOV)/bin/python -m pip install --quiet -r requirements-checkov.txt
	touch $@

# --- the console (web/): npm packages, the build (types from docs/openapi.json, tsc, vite, budget)
WEB_SOURCES := $(shell find web/src web/public web/scripts -type f 2>/dev/null) \
	web/index.html web/vite.config.ts web/tsconfig.json docs/openapi.json

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

web/dist/index.html: web/node_modules/.installed $(WEB_SOURCES)
	cd web && npm run --silent build
	touch $@

## console: build the console into web/dist (make run serves it at /)
console: web/dist/index.html

## web-test: the console's unit tests (Vitest)
web-test: web/node_modules/.installed
	cd web && npm run --silent types && npx vitest run

# Debian's chromium for the browser tests (Playwright drives it by its path; never its download)
/usr/bin/chromium:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

## browser: the console in headless Chromium against a local stack
browser: $(VENV)/.installed console /usr/bin/chromium
	$(PY) -m pytest -q tests/browser

## run: the whole system locally on moto, the console at http://127.0.0.1:$(PORT)/
run: $(VENV)/.installed web/dist/index.html
	PORT=$(PORT) MOTO_PORT=$(MOTO_PORT) $(PY) infra/local/stack.py

## test: install, lint, check the template, and run every test
test: lint check-template web-test console /usr/bin/chromium
	$(PY) -m pytest -q -n auto --dist loadfile

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-template: $(VENV)/.installed $(TOOLS)/.installed $(CHECKOV)/.installed
	$(VENV)/bin/cfn-lint template.yaml
	$(CHECKOV)/bin/checkov -f template.yaml --config-file .checkov.yaml
	$(TOOLS)/bin/python tools/sam_transform.py
	$(PY) tools/check_template.py

unit: $(VENV)/.installed
	$(PY) -m pytest -q tests/unit
integration: $(VENV)/.installed
	$(PY) -m pytest -q tests/integration
e2e: $(VENV)/.installed
	$(PY) -m pytest -q tests/e2e

## openapi: regenerate docs/openapi.json from the code
openapi: $(VENV)/.installed
	$(PY) tools/openapi.py --write

## diagrams: redraw docs/workflows.md from the state machine tables
diagrams: $(VENV)/.installed
	$(PY) tools/diagrams.py --write

# The cold starts are measured on Python 3.13, the runtime's version, in an environment with
# the layer's requirements (bench/coldstart.py lays the layer out as `make build` does, with
# this botocore slimmed); moto's server runs in $(VENV).
BENCH313 := .venv-bench313
include python313.mk

$(BENCH313)/.installed: layers/cityops/requirements.txt
	$(call NEED_PYTHON313,make bench measures cold starts)
	test -x $(BENCH313)/bin/python || $(PYTHON313) -m venv $(BENCH313)
	$(BENCH313)/bin/python -m pip install --quiet -r layers/cityops/requirements.txt
	touch $@

## bench: cold starts (3.13 and 3.11, interleaved, against a minimal handler), per-operation
## figures and statistics costs, written to bench/results/ (BENCH_RUNS rounds, 7 by default)
bench: $(VENV)/.installed $(BENCH313)/.installed
	BENCH_PYTHON313=$(BENCH313)/bin/python $(PY) bench/run.py

## profile: where FUNCTION's cold start goes (Python calls; CPU samples of its first request, or
## of its import with PROFILE_PHASE=import; PROFILE_RUNS cold starts, 20 by default)
profile: $(VENV)/.installed $(BENCH313)/.installed
	BENCH_PYTHON313=$(BENCH313)/bin/python $(PY) bench/profile.py $(FUNCTION)

## build: sam build, no Docker (aws-sam-cli in its own virtual environment)
build: $(TOOLS)/.installed console
	$(TOOLS)/bin/sam build --template template.yaml

## deploy: sam deploy (needs AWS credentials); ENV=dev|staging|prod
deploy: build
	$(TOOLS)/bin/sam deploy --config-env $(or $(ENV),dev)
	$(TOOLS)/bin/python tools/deploy_console.py cityops-$(or $(ENV),dev)

## import-units: FILE=units.csv into the running local stack (or AWS with DIRECTORY_TABLE set)
import-units: $(VENV)/.installed
	$(PY) infra/admin/import_units.py $(FILE) $(if $(DRY_RUN),--dry-run)

clean:
	rm -rf .aws-sam .pytest_cache .ruff_cache
