# The two commands a user needs: `make demo` and `make test`. Both run `make setup`
# first, which installs what is missing and skips what is present.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export PATH := $(HOME)/.cargo/bin:$(PATH)

# The toolchain with a wasm32 standard library (written by scripts/setup.sh).
WASM_ENV = source target/toolchain.env && export PATH="$$TOOLBIN:$$PATH" &&
WASM_OPT = node_modules/.bin/wasm-opt
WASM_OPT_FLAGS = --merge-similar-functions -Oz --converge --strip-producers --enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue
PKG = pkg/pending_core_bg.wasm

.PHONY: help setup build wasm test test-native clippy test-wasm test-e2e lint-ext doc size bench demo fuzz clean

help:
	@echo "make demo   - the extension in Chromium on the built-in demo data (headless: screenshots)"
	@echo "make test   - every test: native, then Chrome and Firefox (page and service worker)"
	@echo "make build  - dist/chrome and dist/firefox (unpacked) and their zips"
	@echo "make size   - release .wasm size after wasm-opt, raw and gzipped"
	@echo "make bench  - popup open and search timings on the demo data (bench/results.md); BASELINE=dir beside"
	@echo "make fuzz   - every cargo-fuzz target for FUZZ_SECONDS each (default 60; needs nightly)"
	@echo "make setup  - install what the build and tests need (idempotent)"

setup:
	@scripts/setup.sh

# Release build of the JS/WASM package (pkg/), optimized with wasm-opt. The standard
# library is rebuilt from the toolchain's sources (rust-src, installed by setup) with this
# crate's size profile, and a panic aborts at once, without formatting a message nobody
# reads (wasm32 has no stderr) or keeping the source locations it would name. These need
# unstable flags: RUSTC_BOOTSTRAP=1 allows them on
# the stable toolchain, for this build only (README "Size", "Toolchain").
WASM_STD = RUSTC_BOOTSTRAP=1 CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none"
WASM_STD_ARGS = -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
wasm: setup
	@$(WASM_ENV) $(WASM_STD) wasm-pack build . --release --target web --mode no-install --no-pack --out-dir pkg -- $(WASM_STD_ARGS)
	@$(WASM_OPT) $(WASM_OPT_FLAGS) $(PKG) -o $(PKG).opt && mv $(PKG).opt $(PKG)

# dist/chrome, dist/firefox and their zips.
build: wasm
	@node scripts/build-ext.mjs

test: setup test-native clippy doc test-wasm test-e2e lint-ext
	@echo "make test: all suites passed"

test-native:
	@echo "== native: cargo test"
	cargo test --quiet

# No panic path from outside data: src/lib.rs denies indexing, slicing, unwrap and expect
# outside tests; clippy is what checks it (native and wasm32).
clippy:
	@echo "== cargo clippy (panic paths are errors)"
	@cargo clippy --quiet --lib --all-targets
	@$(WASM_ENV) if cargo clippy --version >/dev/null 2>&1; then cargo clippy --quiet --lib --target wasm32-unknown-unknown; \
	  else echo "clippy: not available for the wasm32 toolchain in $$TOOLBIN; the native run covers the shared code"; fi

doc:
	@echo "== cargo doc (warnings are errors)"
	@RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
	@$(WASM_ENV) RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet --target wasm32-unknown-unknown

# One wasm-bindgen-test build, run in headless Chrome then Firefox, for the page suite
# (tests/browser.rs) and the service-worker suite (tests/service_worker.rs).
test-wasm:
	@echo "== wasm-bindgen-test: headless Chrome and Firefox, against the mock API"
	@$(WASM_ENV) WASM_BINDGEN_TEST_TIMEOUT=90 scripts/with-mock.sh wasm-pack test --headless --chrome --firefox --mode no-install .

# The built extension in headless Chromium (Playwright) and Firefox ESR (geckodriver).
test-e2e: build
	@echo "== end-to-end: dist/chrome in headless Chromium, dist/firefox in headless Firefox ESR"
	@scripts/with-mock.sh node --test --test-concurrency=1 tests/e2e/

lint-ext: build
	@echo "== web-ext lint dist/firefox"
	@npx --no-install web-ext lint --source-dir dist/firefox --self-hosted=false

size: wasm
	@raw=$$(stat -c %s $(PKG)); gz=$$(gzip -9 -c $(PKG) | wc -c); \
	printf 'pending_core_bg.wasm: %d bytes raw, %d bytes gzipped (%.1f KB)\n' $$raw $$gz $$(echo "$$gz/1024" | bc -l)

# Popup and search timings on the demo data; writes bench/results.md. BASELINE=<another
# build's dist/chrome> (or BENCH_BASELINE in the environment) measures that build in the
# same run, alternating with this one, and writes each figure beside the baseline's.
bench: build
	@$(if $(BASELINE),BENCH_BASELINE="$(BASELINE)" )scripts/with-mock.sh node scripts/bench.mjs

demo: build
	@scripts/with-mock.sh node scripts/demo.mjs

# Every cargo-fuzz target of fuzz/ for FUZZ_SECONDS each (FUZZ_TARGETS picks some);
# installs nightly and cargo-fuzz when missing. Not part of `make test`, which runs the
# same checks as property tests (tests/properties.rs).
FUZZ_SECONDS ?= 60
fuzz:
	@FUZZ_SECONDS="$(FUZZ_SECONDS)" FUZZ_TARGETS="$(FUZZ_TARGETS)" scripts/fuzz.sh

clean:
	rm -rf target pkg dist node_modules
