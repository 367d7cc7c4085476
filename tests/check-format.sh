#!/usr/bin/env bash
# fails when a C source or header of src/ or tests/ is not formatted as
# .clang-format says; prints the files and how to fix them
set -euo pipefail
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top"
bad=()
while IFS= read -r -d '' f; do
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done < <(find src tests -name '*.[ch]' -print0 | sort -z)
if [ ${#bad[@]} -gt 0 ]; then
  printf 'not formatted: %s\n' "${bad[@]}"
  echo "fix with: clang-format -i ${bad[*]}"
  exit 1
fi
echo "all C sources follow .clang-format"
