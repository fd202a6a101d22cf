# The project's front door. `make run` and `make test` work on a fresh machine:
# each installs what it is missing first (scripts/install-tools.sh), then works.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT ?= 120
# The other two engines' drivers (scripts/install-tools.sh installs them).
GECKODRIVER_BIN ?= $(or $(CARGO_HOME),$(HOME)/.cargo)/bin/geckodriver
WEBKIT_DRIVER_BIN ?= /usr/bin/WebKitWebDriver
# Shown in the app's footer; never contains user data.
export PSYNOTES_BUILD ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo dev)
PORT ?= 8080

.PHONY: run build serve test tools tools-test lint fmt-check clippy test-native test-node test-browser test-browser-chromium \
	test-browser-firefox test-browser-webkit test-e2e test-engines test-bench-smoke test-bench-engines-smoke \
	bench-build size bench bench-engines clean

## run: install what is missing, build the release bundle, serve it on 127.0.0.1:$(PORT);
## with COUCHDB_URL=http://127.0.0.1:5984, /couchdb/ on the same origin goes to that CouchDB
run: build
	COUCHDB_URL="$(COUCHDB_URL)" node scripts/serve.mjs dist $(PORT)

## build: the release bundle in dist/
build: tools
	trunk build --release

## test: every check and test layer; non-zero on any failure
test: tools-test lint test-native test-node test-browser test-e2e test-engines test-bench-smoke test-bench-engines-smoke

tools:
	bash scripts/install-tools.sh build

tools-test:
	bash scripts/install-tools.sh test

lint: fmt-check clippy

fmt-check:
	cargo fmt --all --check

clippy:
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --all-targets --all-features -- -D warnings

## test-native: domain and crypto, natively
test-native:
	cargo test

## test-node: sample exports (written by a native test) checked in Node: every FHIR
## bundle against the official FHIR R4 JSON schema, and the recipient's verifier
## (public/verify.js) on every JSON and FHIR sample. About ten seconds.
test-node:
	cargo test --quiet --lib export::samples
	node --test tests/node/

## test-browser: wasm-bindgen-test in Chromium, then Firefox, then WebKit
test-browser: test-browser-chromium test-browser-firefox test-browser-webkit

# --tests everywhere: the doctests are native and already ran once under test-native.
test-browser-chromium:
	cargo test --no-fail-fast --target wasm32-unknown-unknown --tests

# The runner gets each
# test binary without its debug sections (330 MB of DWARF per binary, ~11 s each).
LEAN_RUNNER := CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="node $(CURDIR)/tests/engines/strip-debug-runner.mjs"
test-browser-firefox:
	env -u CHROMEDRIVER GECKODRIVER=$(GECKODRIVER_BIN) $(LEAN_RUNNER) cargo test --no-fail-fast --target wasm32-unknown-unknown --tests

# The runner drives WebKitWebDriver as it would safaridriver; WebKitGTK draws on Xvfb.
# JSC_useBBQJIT=false: WebKitGTK 2.50's baseline wasm JIT (BBQ) miscomputes on this
# machine. About one run in three, a debug test binary panicked inside the AES
# cipher with a loop index of 0x20202020, or the web process died mid-test;
# never in Chromium or Firefox, and 0 of 8 runs with BBQ off (IPInt, then OMG).
# The tests run about ten times slower and still check every behaviour.
WEBKIT_WASM_TIERS := JSC_useBBQJIT=false
test-browser-webkit:
	env -u CHROMEDRIVER $(WEBKIT_WASM_TIERS) SAFARIDRIVER=$(WEBKIT_DRIVER_BIN) $(LEAN_RUNNER) xvfb-run -a cargo test --no-fail-fast --target wasm32-unknown-unknown --tests

## test-e2e: Playwright against the release build served on 127.0.0.1
test-e2e: build
	npx playwright test --config tests/e2e/playwright.config.js

## test-engines: the core journeys (tests/engines/journeys.js) in Chromium, WebKit and Firefox
test-engines: build
	node tests/engines/run.mjs

## bench: seed 10,000 notes and time what a therapist does (target/bench/report.json),
## then the same vault in each engine (target/bench/engines.json)
bench: tools-test build bench-build
	SHELL_DIST=dist node bench/run.mjs
	node bench/engines.mjs

## bench-engines: only the per-engine figures
bench-engines: tools-test bench-build
	node bench/engines.mjs

bench-build:
	trunk build --release --features bench --dist target/bench/dist

## test-bench-smoke: the benchmark harness on a 100-note vault, so it cannot rot
test-bench-smoke: build bench-build
	BENCH_OUT=target/bench/smoke.json SHELL_DIST=dist node bench/run.mjs --small

## test-bench-engines-smoke: the per-engine benchmark on a 100-note vault
test-bench-engines-smoke: bench-build
	node bench/engines.mjs --small

## size: gzip and brotli bytes of the shell (wasm + js + css + html)
size: build
	node scripts/size.mjs dist
	node scripts/size-breakdown.mjs

clean:
	cargo clean
	rm -rf dist test-results
