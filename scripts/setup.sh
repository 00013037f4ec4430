#!/usr/bin/env bash
# Idempotent machine setup: installs what the build and the tests need and skips what is
# already present. Encodes the recipes verified for Debian 12 machines without rustup's
# download host (see docs/TESTING.md "Toolchain"). Prints one line per step.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# wasm-bindgen-cli must match the wasm-bindgen version in Cargo.lock exactly.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, "", $0); print; exit}' Cargo.lock)
[ -n "$WB_VERSION" ] || { echo "setup: cannot read the wasm-bindgen version from Cargo.lock" >&2; exit 1; }

APT_UPDATED=""
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -eq 0 ]; then return 0; fi
  if ! command -v apt-get >/dev/null; then
    echo "setup: please install: ${missing[*]}" >&2; exit 1
  fi
  if [ -z "$APT_UPDATED" ]; then $SUDO apt-get update -qq; APT_UPDATED=1; fi
  say "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# --- 1. A Rust toolchain with a wasm32 standard library -----------------------------
# The toolchain that has a wasm32 sysroot is written to target/toolchain.env so the
# Makefile can put it first on PATH.
wasm_sysroot_ok() { # $1 = rustc
  local sr; sr=$("$1" --print sysroot 2>/dev/null) || return 1
  ls "$sr"/lib/rustlib/wasm32-unknown-unknown/lib/libstd-*.rlib >/dev/null 2>&1 &&
  ls "$sr"/lib/rustlib/wasm32-unknown-unknown/lib/libtest-*.rlib >/dev/null 2>&1
}
mkdir -p target
TOOLBIN=""
# SETUP_DEBIAN_SYSROOT=1 skips rustup and uses (building if needed) the Debian sysroot.
if [ "${SETUP_DEBIAN_SYSROOT:-}" != 1 ] && command -v rustc >/dev/null && wasm_sysroot_ok rustc; then
  say "wasm32 target: present for $(rustc --version)"
  TOOLBIN=$(dirname "$(command -v rustc)")
elif [ -x /usr/bin/rustc ] && wasm_sysroot_ok /usr/bin/rustc; then
  say "wasm32 target: present for Debian's $(/usr/bin/rustc --version)"
  TOOLBIN=/usr/bin
else
  if [ "${SETUP_DEBIAN_SYSROOT:-}" != 1 ] && command -v rustup >/dev/null && timeout 60 rustup target add wasm32-unknown-unknown >/dev/null 2>&1 \
     && wasm_sysroot_ok rustc; then
    say "wasm32 target: installed with rustup"
    TOOLBIN=$(dirname "$(command -v rustc)")
  else
    # RUSTC_BOOTSTRAP and -Zbuild-std below build the sysroot once, here only; every
    # build of the crate afterwards (make wasm, make test) uses stable Rust without them.
    say "wasm32 target: rustup could not download it; building a sysroot from Debian's rustc-web sources"
    apt_install rustc-web cargo-web rust-web-src rust-web-llvm lld-22
    tmp=$(mktemp -d)
    (
      cd "$tmp"
      PATH=/usr/bin:$PATH cargo new --lib --vcs none std-seed >/dev/null 2>&1
      cd std-seed
      PATH=/usr/bin:$PATH RUSTC_BOOTSTRAP=1 cargo build --release -q \
        --target wasm32-unknown-unknown \
        -Zbuild-std=std,panic_abort,panic_unwind,test,proc_macro
      dest=$(/usr/bin/rustc --print sysroot)/lib/rustlib/wasm32-unknown-unknown/lib
      $SUDO mkdir -p "$dest"
      for f in target/wasm32-unknown-unknown/release/deps/lib*.rlib; do
        case "$f" in */libstd_seed-*) ;; *) $SUDO cp "$f" "$dest/" ;; esac
      done
    )
    rm -rf "$tmp"
    wasm_sysroot_ok /usr/bin/rustc || { echo "setup: the wasm32 sysroot build failed" >&2; exit 1; }
    say "wasm32 target: sysroot installed for $(/usr/bin/rustc --version)"
    TOOLBIN=/usr/bin
  fi
fi
echo "TOOLBIN=$TOOLBIN" > target/toolchain.env

# clippy checks that no panic path comes back (make test runs it).
if cargo clippy --version >/dev/null 2>&1; then say "clippy: present"; else
  say "rustup component add clippy"
  timeout 120 rustup component add clippy >/dev/null 2>&1 || { echo "setup: cannot install clippy (rustup component add clippy)" >&2; exit 1; }
fi

# --- 2. wasm-bindgen-cli (exact version), wasm-pack, geckodriver --------------------
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$PATH"
if command -v wasm-bindgen >/dev/null && [ "$(wasm-bindgen --version | awk '{print $2}')" = "$WB_VERSION" ] \
   && command -v wasm-bindgen-test-runner >/dev/null; then
  say "wasm-bindgen-cli $WB_VERSION: present"
else
  say "cargo install wasm-bindgen-cli $WB_VERSION (about 3 minutes)"
  # --locked first; the registry may lack a version its lock file pins (seen: webpki-roots).
  cargo install -q wasm-bindgen-cli --version "$WB_VERSION" --locked --force 2>/dev/null ||
    cargo install -q wasm-bindgen-cli --version "$WB_VERSION" --force
fi
if command -v wasm-pack >/dev/null; then say "wasm-pack: present"; else
  say "cargo install wasm-pack (about 2.5 minutes)"
  cargo install -q wasm-pack --locked 2>/dev/null || cargo install -q wasm-pack; fi

# --- 3. Browsers and drivers ---------------------------------------------------------
# chromium-l10n: Chromium's UI languages besides en-US; without it a browser asked for
# German (make demo's German screenshots) falls back to English.
apt_install chromium chromium-driver chromium-l10n firefox-esr
say "browsers: $(chromium --version 2>/dev/null | head -1); $(firefox-esr --version 2>/dev/null | head -1)"
if command -v geckodriver >/dev/null; then say "geckodriver: present"; else
  say "cargo install geckodriver (about 1.5 minutes)"
  cargo install -q geckodriver --locked 2>/dev/null || cargo install -q geckodriver; fi

# --- 4. npm dev dependencies (wasm-opt from npm binaryen, playwright-core, ...) ------
if [ -f package-lock.json ]; then
  if [ -f node_modules/.package-lock.json ] && ! [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "npm dev dependencies: present"
  else
    say "npm ci"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
  fi
fi
if [ -x node_modules/.bin/wasm-opt ]; then say "wasm-opt: $(node_modules/.bin/wasm-opt --version)"; fi
say "done"
