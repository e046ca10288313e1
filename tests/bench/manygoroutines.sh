# Sourced by the bench scripts (after scripts/lib/setup.sh):
#   start_manygoroutines GOROUTINES LOG
# starts tests/bench/manygoroutines on a free loopback port, waits until all
# its goroutines are parked, and sets `generator` (its pid) and `url`.
# stop_manygoroutines stops it; it is also stopped when the script exits.

start_manygoroutines() {
  local goroutines=$1 log_file=$2
  "$BUILD_DIR/tests/bin/manygoroutines" -addr 127.0.0.1:0 -goroutines "$goroutines" >"$log_file" 2>&1 &
  generator=$!
  trap stop_manygoroutines EXIT
  until grep -q parked "$log_file"; do
    kill -0 "$generator" 2>/dev/null || { cat "$log_file" >&2; exit 2; }
    sleep 0.2
  done
  url=$(sed -n 's#.*pprof on \(http://[^/]*\)/.*#\1#p' "$log_file")
}

stop_manygoroutines() {
  kill "$generator" 2>/dev/null || true
  wait "$generator" 2>/dev/null || true
}
