# CityOps. Every target creates what it needs; start with `make run` or `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
TOOLS := .venv-tools
PY := $(VENV)/bin/python
PORT ?= 3000
MOTO_PORT ?= 5005

.PHONY: run test lint check-template unit integration e2e bench build deploy openapi diagrams import-units clean

$(VENV)/.installed: pyproject.toml layers/cityops/requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

$(TOOLS)/.installed: requirements-tools.txt
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet -r requirements-tools.txt
	touch $@

## run: the whole system locally on moto (http://127.0.0.1:$(PORT))
run: $(VENV)/.installed
	PORT=$(PORT) MOTO_PORT=$(MOTO_PORT) $(PY) infra/local/stack.py

## test: install, lint, check the template, and run every test
test: lint check-template
	$(PY) -m pytest -q -n auto --dist loadfile

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-template: $(VENV)/.installed $(TOOLS)/.installed
	$(VENV)/bin/cfn-lint template.yaml
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
# what Lambda has (boto3) and the layer's requirements; moto's server runs in $(VENV).
BENCH313 := .venv-bench313
PYTHON313 ?= $(shell for p in python3.13 $$HOME/.pyenv/versions/3.13*/bin/python3.13; do \
	$$p -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null && { echo $$p; break; }; \
	done)

$(BENCH313)/.installed: layers/cityops/requirements.txt requirements-dev.txt
	@test -n "$(PYTHON313)" || { echo "make bench measures cold starts on Python 3.13 (the Lambda runtime's version), and no python3.13 was found: install it, or set PYTHON313=/path/to/python3.13." >&2; exit 1; }
	test -x $(BENCH313)/bin/python || $(PYTHON313) -m venv $(BENCH313)
	$(BENCH313)/bin/python -m pip install --quiet -r layers/cityops/requirements.txt \
		$$(grep '^boto3==' requirements-dev.txt)
	touch $@

## bench: cold starts (3.13 and 3.11, interleaved, against a minimal handler), per-operation
## figures and statistics costs, written to bench/results/ (BENCH_RUNS rounds, 7 by default)
bench: $(VENV)/.installed $(BENCH313)/.installed
	BENCH_PYTHON313=$(BENCH313)/bin/python $(PY) bench/run.py

## build: sam build, no Docker (aws-sam-cli in its own virtual environment)
build: $(TOOLS)/.installed
	$(TOOLS)/bin/sam build --template template.yaml

## deploy: sam deploy (needs AWS credentials); ENV=dev|staging|prod
deploy: build
	$(TOOLS)/bin/sam deploy --config-env $(or $(ENV),dev)

## import-units: FILE=units.csv into the running local stack (or AWS with DIRECTORY_TABLE set)
import-units: $(VENV)/.installed
	$(PY) infra/admin/import_units.py $(FILE) $(if $(DRY_RUN),--dry-run)

clean:
	rm -rf .aws-sam .pytest_cache .ruff_cache
