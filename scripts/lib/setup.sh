# Sourced by scripts/demo and scripts/test: install what is missing, then
# configure (once) and build. Safe to run again: it skips what is done.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${GOLEAKCHECK_BUILD_DIR:-$ROOT/build}"

# Debian packages the build needs (see README.md, "Dependencies").
PACKAGES=(
  cmake ninja-build g++ pkg-config
  libboost-dev libboost-filesystem-dev   # Boost.Process (1.74, header-only) + Boost.Filesystem
  libcpp-httplib-dev                     # snapshots over HTTP
  libfmt-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev
  golang-1.19-go                         # a second, older toolchain for the dump-format conformance tests
)

# shellcheck source=packages.sh
source "$ROOT/scripts/lib/packages.sh"

install_packages() {
  local wanted=("${PACKAGES[@]}")
  # The machine's own Go is preferred; Debian's golang-go only when none.
  if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then export PATH="$PATH:/usr/local/go/bin"; fi
  command -v go >/dev/null || wanted+=(golang-go)
  install_missing "${wanted[@]}"
}

build() {
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    log "configuring in $BUILD_DIR"
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja >/dev/null
  fi
  log "building"
  cmake --build "$BUILD_DIR"
}

install_packages
build
