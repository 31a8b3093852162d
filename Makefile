# mlflow-rest-sdk developer tasks (GNU make). `make test` is what CI runs (.ci/run).

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# Interpreter used only to bootstrap uv when it is not on PATH.
PYTHON ?= python3
# Interpreter request for `uv venv` (a version or a path).
VENV_PYTHON ?= 3.11
VENV ?= .venv
VENV_BIN := $(VENV)/bin
VENV_STAMP := $(VENV)/.installed
INSTALL_SPEC ?= .[dev]
# The second distribution (water-models/, depends on the SDK): installed editable beside it.
WATER_INSTALL_SPEC ?= ./water-models[dask]

# uv from PATH, else a private copy installed under build/ (which is gitignored). A UV given on
# the command line must be a path or a command on PATH.
UV_BOOTSTRAP_DIR ?= build/uv-bootstrap
UV ?= $(or $(shell command -v uv 2>/dev/null),$(UV_BOOTSTRAP_DIR)/bin/uv)

PYTEST_WORKERS ?= 2
PYTEST_FLAGS ?= -n $(PYTEST_WORKERS) --dist loadgroup --strict-markers -ra
# The blocking twins (`_sync/` folders) are derived from their `_async/` sources by `make generate`.
GENERATED_PATHS := src/mlflow_rest_sdk/_generated docs/api-reference.md docs/compatibility.md spec/ ':(glob)**/_sync/**'


.PHONY: help venv generate golden import-proto drift check-generated lint typecheck test demo bench

help:
	@echo "make venv             create or update $(VENV) with uv (re-runs when either pyproject.toml changes)"
	@echo "make import-proto     rewrite spec/mlflow_api.yaml from the installed MLflow's protos"
	@echo "make drift            compare the spec with the installed MLflow (fails on drift)"
	@echo "make generate         regenerate the client and spec/openapi.json from the spec, and the blocking twins of _async/ sources"
	@echo "make golden           rewrite the generator's golden record from the tiny fixture spec"
	@echo "make check-generated  fail if regenerating changes or adds any file"
	@echo "make lint             ruff check + ruff format --check"
	@echo "make typecheck        mypy --strict"
	@echo "make test             all of the above checks, then pytest ($(PYTEST_WORKERS) workers)"
	@echo "make demo             the water-quality demo (water-models demo) on a local MLflow server"
	@echo "make bench            side-by-side benchmarks (~15 min) into docs/benchmarks/ (QUICK=1: small sizes)"

venv: $(VENV_STAMP)

# Bytecode is compiled for all of site-packages (uv's --compile-bytecode skips packages that were
# already installed): with PYTHONDONTWRITEBYTECODE set, as on these machines, every `mlflow
# server` worker would otherwise recompile MLflow from source, which made starts 3-4x slower.
$(VENV_STAMP): pyproject.toml water-models/pyproject.toml | $(filter $(UV_BOOTSTRAP_DIR)/bin/uv,$(UV))
	@if [ ! -x "$(VENV_BIN)/python" ]; then "$(UV)" venv --python "$(VENV_PYTHON)" "$(VENV)"; fi
	"$(UV)" pip install --python "$(VENV_BIN)/python" -e '$(INSTALL_SPEC)' -e '$(WATER_INSTALL_SPEC)'
	"$(VENV_BIN)/python" -m compileall -qq -j 0 \
		"$$("$(VENV_BIN)/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"
	@touch "$@"

$(UV_BOOTSTRAP_DIR)/bin/uv:
	@echo "uv is not on PATH: installing it into $(UV_BOOTSTRAP_DIR)"
	"$(PYTHON)" -m venv "$(UV_BOOTSTRAP_DIR)"
	"$(UV_BOOTSTRAP_DIR)/bin/python" -m pip install --quiet uv

# `codegen openapi` runs after `codegen generate`, which rewrites the whole _generated folder
# (it holds the package's copy of spec/openapi.json).
generate: venv
	"$(VENV_BIN)/python" -m codegen generate
	"$(VENV_BIN)/python" -m codegen openapi
	"$(VENV_BIN)/python" -m codegen derive

# The generator's golden record: rewrite it after an intended template change, review the diff.
golden: venv
	"$(VENV_BIN)/python" -m codegen generate --spec tests/generator/fixtures/tiny_spec.yaml \
		--out tests/generator/golden
	"$(VENV_BIN)/python" -m codegen derive --root tests/generator/fixtures/unasync

import-proto: venv
	"$(VENV_BIN)/python" -m codegen import-proto

drift: venv
	"$(VENV_BIN)/python" -m codegen drift --exit-code

# Generated files are committed: regenerating must reproduce them exactly, and add nothing new.
check-generated: generate
	@git diff --exit-code --stat -- $(GENERATED_PATHS) \
		|| { echo "generated code is stale: run 'make generate' and commit the result" >&2; exit 1; }
	@untracked="$$(git status --porcelain --untracked-files=all -- $(GENERATED_PATHS) \
		| grep '^??' || true)"; \
	if [ -n "$$untracked" ]; then \
		echo "generate wrote files that git does not track:" >&2; echo "$$untracked" >&2; exit 1; \
	fi

lint: venv
	"$(VENV_BIN)/ruff" check .
	"$(VENV_BIN)/ruff" format --check .
	"$(VENV_BIN)/lint-imports" --config .importlinter

typecheck: venv
	"$(VENV_BIN)/mypy" --strict src water-models/src codegen benchmarks

# pytest exits 5 when it collected no tests: that must fail loudly, never pass for green.
test: venv lint typecheck check-generated
	@rc=0; "$(VENV_BIN)/pytest" $(PYTEST_FLAGS) || rc=$$?; \
	if [ "$$rc" -eq 5 ]; then echo "pytest collected no tests: failing the build" >&2; fi; \
	exit "$$rc"

demo: venv
	"$(VENV_BIN)/water-models" demo

# Benchmarks are measurements, not tests: they write a report and never fail on a missed target.
# `make bench QUICK=1` checks the harness with small sizes in a few minutes.
bench: venv
	"$(VENV_BIN)/python" -m benchmarks --out docs/benchmarks $(if $(QUICK),--quick)
