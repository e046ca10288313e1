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
  libre2-dev                             # ignore-rule regexes: linear time, no back-references
  libgtest-dev libgmock-dev
  rapidjson-dev                          # the streamed JSON writer
  libxml2-utils                          # xmllint: the JUnit report is checked against its schema
  chromium                               # a real headless browser for the HTML report's test
  prometheus                             # a real Prometheus scrapes `watch --metrics` in its test
  golang-1.19-go                         # a second, older toolchain for the dump-format conformance tests
)

# shellcheck source=packages.sh
source "$ROOT/scripts/lib/packages.sh"
# shellcheck source=go_toolchains.sh
source "$ROOT/scripts/lib/go_toolchains.sh"

install_packages() {
  local wanted=("${PACKAGES[@]}")
  # The machine's own Go is preferred; Debian's golang-go only when none.
  if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then export PATH="$PATH:/usr/local/go/bin"; fi
  command -v go >/dev/null || wanted+=(golang-go)
  install_missing "${wanted[@]}"
}

# Go 1.27, the newest release, and 1.26, whose leak profile is an
# experiment, for the live tests: fetched through the Go module proxy when
# they are not in the module cache yet.
fetch_go_toolchains() {
  log "Go 1.27 and 1.26 toolchains (GOTOOLCHAIN=go1.27.0, go1.26.0)"
  GO127=$(go_for 1.27) || { echo "error: the live tests need Go 1.27; see the line above" >&2; exit 2; }
  GO126=$(go_for 1.26) || { echo "error: the live tests need Go 1.26; see the line above" >&2; exit 2; }
}

build() {
  # Configure once, and again only when a toolchain's path changed.
  if [ ! -f "$BUILD_DIR/build.ninja" ] ||
    ! grep -qxF "GO127_EXECUTABLE:FILEPATH=$GO127" "$BUILD_DIR/CMakeCache.txt" 2>/dev/null ||
    ! grep -qxF "GO126_EXECUTABLE:FILEPATH=$GO126" "$BUILD_DIR/CMakeCache.txt" 2>/dev/null; then
    log "configuring in $BUILD_DIR"
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DGO127_EXECUTABLE="$GO127" -DGO126_EXECUTABLE="$GO126" >/dev/null
  fi
  log "building"
  cmake --build "$BUILD_DIR"
}

install_packages
fetch_go_toolchains
build
