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
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "error: need root to run: $*" >&2; exit 2
  fi
}

missing_packages() {
  local package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || echo "$package"
  done
}

install_missing() {
  local wanted=("${PACKAGES[@]}")
  # The machine's own Go is preferred; Debian's golang-go only when none.
  if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then export PATH="$PATH:/usr/local/go/bin"; fi
  command -v go >/dev/null || wanted+=(golang-go)
  local missing
  missing=$(missing_packages "${wanted[@]}")
  if [ -z "$missing" ]; then return; fi
  log "installing: $(echo $missing)"
  as_root apt-get update -qq
  # shellcheck disable=SC2086
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

build() {
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    log "configuring in $BUILD_DIR"
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja >/dev/null
  fi
  log "building"
  cmake --build "$BUILD_DIR"
}

install_missing
build
