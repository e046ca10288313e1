#!/usr/bin/env bash
# The harness's stages keep to themselves (harness/CMakeLists.txt): a file
# of a stage includes private headers ("STAGE/name.hpp") of its own stage
# or of common/ only, and a public header (STAGE/include/goleakcheck/)
# includes public headers only. Which public headers a stage may include is
# checked by the build (cmake/HeaderChecks.cmake). And README.md's stage
# table names every public header.
#   tests/stage_boundaries.sh SOURCE_DIR
set -euo pipefail
cd "$1"
failures=0
while IFS= read -r file; do
  rel=${file#harness/}
  stage=${rel%%/*}
  public=false
  [[ $rel == "$stage/include/"* ]] && public=true
  while IFS= read -r included; do
    folder=${included%%/*}
    [[ $folder == goleakcheck ]] && continue
    if $public; then
      echo "FAIL: public header $file includes the private header \"$included\"" >&2
      failures=$((failures + 1))
    elif [[ $folder != "$stage" && $folder != common ]]; then
      echo "FAIL: $file (stage $stage) includes \"$included\", a private header of stage $folder" >&2
      failures=$((failures + 1))
    fi
  done < <(sed -n 's/^#include "\([^"]*\/[^"]*\)".*/\1/p' "$file")
done < <(find harness -name '*.hpp' -o -name '*.cpp' | sort)
# Every public header is in README.md's stage table, with its stage.
for header in harness/*/include/goleakcheck/*.hpp matchers/include/goleakcheck/*.hpp; do
  name=$(basename "$header")
  if ! grep -q "^| \`[a-z/]*\` .*\`$name\`" README.md; then
    echo "FAIL: README.md's stage table does not list $name ($header)" >&2
    failures=$((failures + 1))
  fi
done
checked=$(find harness -name '*.hpp' -o -name '*.cpp' | wc -l)
[ "$failures" -eq 0 ] || exit 1
echo "ok: $checked files keep to their stage's private headers; README.md lists every public header"
