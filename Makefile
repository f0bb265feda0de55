# Task runner. `make help` lists the recipes; CI runs `make ci` (see .ci/run).
.DEFAULT_GOAL := help
SHELL := /bin/bash
CARGO ?= cargo
# One Python for every build of the pyo3 binding (cargo's and maturin's), so it is configured and compiled once.
export PYO3_PYTHON := $(CURDIR)/.venv/bin/python
# napi-rs's CLI always passes `--target <host>`: every cargo call names it too, so there is one build, not two.
HOST := $(shell rustc -vV | sed -n 's/^host: //p')
export CARGO_BUILD_TARGET ?= $(HOST)

.PHONY: generate help setup setup-tour setup-dist setup-dist-smoke docs dist dist-smoke tour test test-rust test-python test-python-install test-node node python lint lint-python fmt wasm-check bench bench-inbox fuzz fuzz-smoke load ci

help: ## List the recipes
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

setup: ## Install what the tests need (toolchain components, targets, Chromium, redis-server, the Python venv)
	@./scripts/setup.sh test

setup-tour: ## Install what the tour needs (a Rust toolchain; nothing else)
	@./scripts/setup.sh tour

setup-dist: setup ## Install what `make dist` needs (cross targets, zig, cargo-zigbuild)
	@./scripts/setup.sh dist

setup-dist-smoke: setup ## Install what `make dist-smoke` needs (the above, qemu-user-static, arm64 Node and Python; root)
	@./scripts/setup.sh dist-smoke

tour: setup-tour ## The main job: `meetergo tour`, end to end on the embedded stand-in
	$(CARGO) run --quiet -p meetergo-cli -- tour

test: test-rust test-python test-python-install test-node ## Every test of every runtime

test-rust: setup ## The Rust crates' tests (unit, integration, doctests; the Python binding is tested from Python)
	# The examples as programs: the CLI's tests run the axum receiver (`cargo test` builds examples as test harnesses).
	$(CARGO) build --workspace --examples
	$(CARGO) test --workspace --all-targets
	$(CARGO) test --workspace --doc

python: setup ## Build the Python package into .venv (maturin develop)
	cd python && ../.venv/bin/maturin develop --quiet --features test-hooks

test-python: python ## The Python package's tests (pytest), its stub against the module (stubtest)
	cd python && ../.venv/bin/python -m pytest -q
	cd python && ../.venv/bin/python -m mypy.stubtest meetergo._native --allowlist stubtest-allowlist.txt

node/node_modules/.installed: node/package-lock.json
	cd node && npm ci --no-audit --no-fund && touch node_modules/.installed

node: setup node/node_modules/.installed ## Build the npm package: the napi addon (node/native) and the browser build (node/web)
	cd node && npm run build
	cd node && npm run build:web

test-node: node ## The npm package's tests (node --test: corpus napi and wasm, client, receiver, Chromium), tsc --strict, then npm pack and the installed copy
	cd node && npm test
	cd node && npm run typecheck
	cd node && npm run test:pack

PIP_VENV := $(CURDIR)/target/pip-install-venv
SDIST_DIR := $(CURDIR)/target/sdist
test-python-install: setup ## The sdist (`maturin sdist`), built and installed by pip into a fresh venv, used from outside the repository
	rm -rf $(PIP_VENV) $(SDIST_DIR) && python3 -m venv $(PIP_VENV)
	cd python && ../.venv/bin/maturin sdist --out $(SDIST_DIR) >/dev/null
	# The venv's own Python configures pyo3 here; a debug build keeps CI short (users get release builds).
	# The sdist unpacks elsewhere: the workspace's target/ keeps the compiled dependencies.
	env -u PYO3_PYTHON CARGO_TARGET_DIR=$(CURDIR)/target MATURIN_PEP517_ARGS="--profile dev" $(PIP_VENV)/bin/pip install --quiet $(SDIST_DIR)/meetergo-*.tar.gz
	cd /tmp && $(PIP_VENV)/bin/python $(CURDIR)/python/tests/install/check_installed.py $(CURDIR)

lint-python: setup ## ruff and mypy --strict on the Python package and its tests
	cd python && ../.venv/bin/ruff check . && ../.venv/bin/ruff format --check . && ../.venv/bin/python -m mypy --strict meetergo tests examples

lint: setup ## rustfmt check and clippy with warnings as errors
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt: ## Format the code
	$(CARGO) fmt --all

wasm-check: ## The core without its HTTP client builds for browsers
	$(CARGO) check -p meetergo-core --no-default-features --target wasm32-unknown-unknown

bench: ## Parsing benchmarks: interleaved ratios table, the peak memory of one parse, the schema-as-data checker prototype, then criterion's full statistics
	$(CARGO) bench -p meetergo-core --bench ratio
	$(CARGO) bench -p meetergo-core --bench memory
	$(CARGO) bench -p meetergo-core --features describe --bench schema
	$(CARGO) bench -p meetergo-core --bench parse

bench-inbox: ## Durable deliveries/s and ack latency (saturated, and at 1,000/s): listen, FastAPI, Express with the inbox against hand-written receivers
	./scripts/bench-inbox.sh

fuzz: setup ## Every fuzz target for FUZZ_SECONDS each (default 600): executions, coverage, findings (docs/fuzzing.md)
	./scripts/fuzz.sh $(or $(FUZZ_SECONDS),600)

fuzz-smoke: setup ## The fuzz targets build and run 20 s each (part of CI)
	./scripts/fuzz.sh 20

load: ## Load and faults against `meetergo listen` and `meetergo mock` (release build): RSS, and whether each still answers (docs/load.md)
	$(CARGO) build --quiet --release -p meetergo-cli --bin meetergo
	python3 scripts/load-fault.py --bin target/$(CARGO_BUILD_TARGET)/release/meetergo

docs: python node ## API references (rustdoc, pdoc, TypeDoc) into target/docs/, and a check of the Markdown's links
	./scripts/docs.sh

dist: setup-dist node/node_modules/.installed ## Every package this machine builds, into dist/: npm main + linux x64/arm64 gnu/musl addons, abi3 wheels, sdist
	./scripts/dist.sh

dist-smoke: setup-dist-smoke node/node_modules/.installed ## A release build of the x64 and arm64 glibc packages into dist/, each installed and smoke-tested (arm64 under qemu)
	DIST_PROFILE=release DIST_SDIST=0 NODE_TARGETS="x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu" \
	  PYTHON_TARGETS="x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu" ./scripts/dist.sh
	./scripts/dist-smoke.sh

# CI builds each thing once from a clean clone: incremental caches and full debug info would only fill the disk
# (a CI run died of a full disk: `ld terminated with signal 7 [Bus error]`). Backtraces keep their line numbers.
ci: export CARGO_INCREMENTAL := 0
ci: export CARGO_PROFILE_DEV_DEBUG := line-tables-only
ci: setup lint lint-python wasm-check test tour fuzz-smoke docs dist-smoke ## What CI runs: setup, lints, the browser build check, every test, the tour, a fuzz smoke, the references, the packages

generate: ## Write the generated surfaces (.pyi and .d.ts models, error classes, event type lists) from the core
	$(CARGO) run --quiet -p meetergo-bind --bin meetergo-generate
