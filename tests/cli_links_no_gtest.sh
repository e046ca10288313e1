#!/usr/bin/env bash
# The goleakcheck command must not carry GoogleTest: it is a tool, not a test.
# GoogleTest is linked statically on Debian, so ldd alone cannot tell; the
# symbols can.   tests/cli_links_no_gtest.sh PATH/TO/goleakcheck
set -euo pipefail
cli=$1
dynamic=$(ldd "$cli" | grep -iE 'gtest|gmock' || true)
symbols=$(nm -C --defined-only "$cli" | grep -E 'testing::|gtest|gmock' | head -5 || true)
if [ -n "$dynamic$symbols" ]; then
  echo "FAIL: $cli links GoogleTest:" >&2
  printf '%s\n' "$dynamic" "$symbols" >&2
  exit 1
fi
echo "ok: $cli links no GoogleTest ($(nm --defined-only "$cli" | wc -l) symbols, $(ldd "$cli" | wc -l) shared libraries checked)"
