# Task runner. `make help` lists the recipes; CI runs `make ci` (see .ci/run).
.DEFAULT_GOAL := help
SHELL := /bin/bash
CARGO ?= cargo

.PHONY: help setup tour test lint fmt wasm-check bench ci

help: ## List the recipes
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

setup: ## Install what the repository needs (toolchain components, targets)
	@./scripts/setup.sh

tour: setup ## The main job: `meetergo tour`, end to end on the embedded stand-in
	$(CARGO) run --quiet -p meetergo-cli -- tour

test: ## Every test of every runtime
	$(CARGO) test --workspace --all-targets
	$(CARGO) test --workspace --doc

lint: ## rustfmt check and clippy with warnings as errors
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt: ## Format the code
	$(CARGO) fmt --all

wasm-check: ## The core without its HTTP client builds for browsers
	$(CARGO) check -p meetergo-core --no-default-features --target wasm32-unknown-unknown

bench: ## Parsing benchmarks: interleaved ratios table, then criterion's full statistics
	$(CARGO) bench -p meetergo-core --bench ratio
	$(CARGO) bench -p meetergo-core --bench parse

ci: setup lint wasm-check test tour ## What CI runs: setup, lints, the browser build check, every test, the tour
