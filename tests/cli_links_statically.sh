#!/usr/bin/env bash
# The goleakcheck command carries its C++ libraries (harness/CMakeLists.txt,
# GOLEAKCHECK_STATIC_CLI), and glibc too where the toolchain links a static
# PIE: it may need libc, libm and the loader, nothing else. A shared libstdc++, libfmt or libre2 left on its list would load a
# second C++ runtime next to the one linked in, and undo the start-up gain.
#   tests/cli_links_statically.sh PATH/TO/goleakcheck
set -euo pipefail
cli=$1
needed=$(readelf -d "$cli" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
unexpected=$(grep -vxE 'libc\.so\.6|libm\.so\.6|ld-linux-x86-64\.so\.2|ld-linux-aarch64\.so\.1' <<<"$needed" || true)
if [ -n "$unexpected" ]; then
  echo "FAIL: $cli needs shared libraries it should carry:" >&2
  printf '  %s\n' $unexpected >&2
  exit 1
fi
# And it still runs: the linked-in runtime starts and formats.
version=$("$cli" --version)
[[ $version == goleakcheck\ * ]] || { echo "FAIL: $cli --version printed '$version'" >&2; exit 1; }
if [ -z "$needed" ]; then
  echo "ok: $cli needs no shared library"
else
  echo "ok: $cli needs only $(tr '\n' ' ' <<<"$needed")"
fi
