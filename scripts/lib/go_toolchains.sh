# Sourced: go_for RELEASE prints the path of that Go release's go command,
# fetching it first when it is not cached yet. Debian's golang-1.19-go gives
# 1.19 (installed by scripts/); from 1.21 on, GOTOOLCHAIN=go1.X.0 fetches the
# official toolchain through the Go module proxy into the module cache.

go_for() {
  local release=$1
  if [ "$release" = 1.19 ]; then
    echo /usr/lib/go-1.19/bin/go
    return
  fi
  local goroot
  # Run from / so that no go.mod or go.work around us picks the toolchain.
  goroot=$(cd / && GOTOOLCHAIN="go$release.0" go env GOROOT) || {
    echo "error: could not fetch Go $release.0 through the Go module proxy (GOTOOLCHAIN=go$release.0)" >&2
    return 1
  }
  echo "$goroot/bin/go"
}
