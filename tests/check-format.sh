#!/usr/bin/env bash
# fails when a C source or header of src/, tests/ or examples/ is not
# formatted as .clang-format says; prints the files and how to fix them.
# clang-format starts slowly: files go in batches, on every core
set -euo pipefail
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)
out=$(find src tests examples -name '*.[ch]' -print0 | sort -z \
  | xargs -0 -n 24 -P "$jobs" clang-format --dry-run --Werror 2>&1 || true)
mapfile -t bad < <(printf '%s\n' "$out" | sed -n 's/^\([^:]*\.[ch]\):[0-9]*:[0-9]*: error: .*/\1/p' \
  | sort -u)
if [ ${#bad[@]} -gt 0 ]; then
  printf 'not formatted: %s\n' "${bad[@]}"
  echo "fix with: clang-format -i ${bad[*]}"
  exit 1
fi
# anything else clang-format said (a bad .clang-format, a crash) is a failure too
if [ -n "$out" ]; then
  printf '%s\n' "$out"
  exit 1
fi
echo "all C sources follow .clang-format"
