# altcraft-campaigns: `make test` on a fresh machine installs everything it needs, then tests.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Checks the GitHub Actions workflows in examples/ci (make lint).
ACTIONLINT_VERSION := 1.7.12
VENV_STAMP := $(VENV)/.installed
# The example policy pack's own virtualenv (policies/PulumiPolicy.yaml names it), as `pulumi policy new` makes.
POLICY_VENV := policies/venv
POLICY_STAMP := $(POLICY_VENV)/.installed

.PHONY: help setup venv cli demo bench bench-shared test unit integration e2e lint format clean

help:
	@echo "make setup   install .venv (Python deps) and .tools/bin (Pulumi CLI $$(. ./pulumi-version.env; echo v$$PULUMI_VERSION))"
	@echo "make demo    a local Altcraft stand-in, then pulumi preview --diff and pulumi up of examples/demo/campaigns.yaml"
	@echo "make bench-shared  one stack of 6,000 campaigns vs three sibling stacks of 2,000 in parallel"
	@echo "make bench   speed, API calls, state size, memory vs the engine's floor (N=10,100 for a quick run)"
	@echo "make test    setup, lint, then every test (unit, integration, end to end with the real CLI)"
	@echo "make unit    the pure unit tests (no server, no subprocess; seconds)"
	@echo "make integration  the tests against the local stand-in, hostile servers and subprocesses (no CLI)"
	@echo "make e2e     the end-to-end tests only (the real pulumi CLI against the local stand-in)"
	@echo "make lint    ruff check and format check, actionlint on examples/ci"
	@echo "make format  ruff's fixes and formatting, applied"
	@echo "make clean   remove .venv, .tools and local pulumi state (the CLI build cache is kept)"

setup: venv cli $(POLICY_STAMP)

venv: $(VENV_STAMP)

# Reinstalls only when a requirements file or the pin changes.
$(VENV_STAMP): requirements.txt requirements-dev.txt pyproject.toml pulumi-version.env
	@. ./pulumi-version.env && grep -qx "pulumi==$$PULUMI_VERSION" requirements.txt || { \
		echo "requirements.txt must pin pulumi==$$PULUMI_VERSION, as pulumi-version.env does" >&2; exit 1; }
	@echo "[setup] creating $(VENV) and installing Python dependencies"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	@# The console script altcraft-campaigns (pyproject.toml); editable, so it runs this checkout's code.
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

cli:
	@bash tooling/build-pulumi-cli.sh

$(POLICY_STAMP): policies/requirements.txt pulumi-version.env
	@echo "[setup] creating $(POLICY_VENV) for the policy pack"
	@test -x $(POLICY_VENV)/bin/python || $(PYTHON) -m venv $(POLICY_VENV)
	@$(POLICY_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r policies/requirements.txt
	@touch $@

demo: setup
	@$(PY) -m tooling.demo

N ?= 10,100,1000,5000
bench: setup
	$(PY) -m bench.run --n $(N)

# One account as one stack of 6,000 campaigns vs three sibling stacks of 2,000 in parallel.
bench-shared: setup
	$(PY) -m bench.shared_account

# One worker per core (pytest-xdist): each e2e test has its own stack, state and stand-in, so they
# run side by side; an idle worker takes tests queued on the other (worksteal), so one slow test does
# not leave a core idle at the end.
PYTEST := $(PY) -m pytest -n auto --dist worksteal

test: setup lint
	$(PYTEST)

unit: venv
	$(PYTEST) tests/unit

integration: venv
	$(PYTEST) tests/integration

e2e: setup
	$(PYTEST) tests/e2e

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	@bash tooling/build-actionlint.sh $(ACTIONLINT_VERSION)
	.tools/bin/actionlint examples/ci/*.yml

format: venv
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean:
	rm -rf $(VENV) $(POLICY_VENV) .tools .pulumi-local .pytest_cache .ruff_cache
