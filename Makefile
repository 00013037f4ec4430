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

.PHONY: help setup build build-test wasm wasm-test test test-native clippy typecheck test-wasm test-e2e lint-ext doc size bench demo fuzz clean

help:
	@echo "make demo   - the extension in Chromium on the built-in demo data (headless: screenshots, English and German)"
	@echo "make test   - every test: native, then Chrome and Firefox (page and service worker)"
	@echo "make build  - dist/chrome and dist/firefox (unpacked) and their zips"
	@echo "make size   - release .wasm size after wasm-opt, raw and gzipped"
	@echo "make bench  - popup open and search timings on the demo data (bench/results.md); BASELINE=dir beside"
	@echo "make fuzz   - every cargo-fuzz target for FUZZ_SECONDS each (default 60; needs nightly)"
	@echo "make setup  - install what the build and tests need (idempotent)"

setup:
	@scripts/setup.sh

# Release build of the JS/WASM package (pkg/) with stable Rust only (no RUSTC_BOOTSTRAP,
# no -Z flags): the size comes from Cargo.toml's release profile (`opt-level = "z"`,
# LTO, one codegen unit, `panic = "abort"`) and wasm-opt afterwards (docs/size.md,
# docs/TESTING.md "Toolchain"). No cargo feature: the test-only exports (`test-hooks`) are not in it.
WASM_PACK_BUILD = wasm-pack build . --release --target web --mode no-install --no-pack
wasm: setup
	@$(WASM_ENV) $(WASM_PACK_BUILD) --out-dir pkg
	@$(WASM_OPT) $(WASM_OPT_FLAGS) $(PKG) -o $(PKG).opt && mv $(PKG).opt $(PKG)

# The end-to-end tests' package (pkg-test/): the same release build with the cargo
# feature `test-hooks` (the trap hook the recovery tests arm), in its own target
# directory so that it and the release build never overwrite each other's artifacts.
PKG_TEST = pkg-test/pending_core_bg.wasm
wasm-test: setup
	@$(WASM_ENV) CARGO_TARGET_DIR=target/test-hooks $(WASM_PACK_BUILD) --out-dir pkg-test -- --features test-hooks
	@$(WASM_OPT) $(WASM_OPT_FLAGS) $(PKG_TEST) -o $(PKG_TEST).opt && mv $(PKG_TEST).opt $(PKG_TEST)

# dist/chrome, dist/firefox and their zips (release).
build: wasm
	@node scripts/build-ext.mjs

# dist-test/chrome, dist-test/firefox and their zips, from pkg-test/ (the `test-hooks`
# build): what `make test-e2e` loads.
build-test: wasm-test
	@node scripts/build-ext.mjs --pkg pkg-test --out dist-test

test: setup test-native clippy doc typecheck test-wasm test-e2e lint-ext
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

# The extension's JavaScript (`// @ts-check`, JSDoc types) against the WebAssembly
# package's declarations (pkg/pending_core.d.ts, from the Rust types) and the browser's
# (@types/chrome); tsconfig.json says how (`./pkg/` resolves to the root's pkg/).
typecheck: wasm
	@echo "== tsc: extension/*.js against pkg/pending_core.d.ts"
	@npx --no-install tsc --noEmit -p tsconfig.json

# One wasm-bindgen-test build, run in headless Chrome then Firefox, for the page suite
# (tests/browser.rs) and the service-worker suite (tests/service_worker.rs).
test-wasm:
	@echo "== wasm-bindgen-test: headless Chrome and Firefox, against the mock API"
	@$(WASM_ENV) WASM_BINDGEN_TEST_TIMEOUT=90 scripts/with-mock.sh wasm-pack test --headless --chrome --firefox --mode no-install .

# The built extension in headless Chromium (Playwright) and Firefox ESR (geckodriver):
# the test variant (dist-test/, with the test hooks), which tests/e2e load by default.
test-e2e: build-test
	@echo "== end-to-end: dist-test/chrome in headless Chromium, dist-test/firefox in headless Firefox ESR"
	@PENDING_DIST=dist-test scripts/with-mock.sh node --test --test-concurrency=1 tests/e2e/

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
	rm -rf target pkg pkg-test dist dist-test node_modules
