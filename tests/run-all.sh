#!/usr/bin/env bash
# Installs what is needed, builds esimd with warnings as errors, runs every
# test suite, then builds again with clang under AddressSanitizer and
# UndefinedBehaviorSanitizer (with the libFuzzer targets) and runs every
# suite once more, including a short fuzzing session per target.
# The last line counts the tests of both runs.
set -euo pipefail
cd "$(dirname "$0")/.."

shared=${ESIM_SHARED_DIR:-$(cd .. && pwd)/shared}
if [ ! -f "$shared/DESIGN.md" ]; then
  echo "run-all: the shared fixtures are not at $shared (set ESIM_SHARED_DIR)" >&2
  exit 1
fi

bash .ci/install-deps.sh

# configure, build and test one build directory; a failure is remembered
# so that the summary line still comes out
run_suite() {
  local dir=$1
  shift
  rm -rf "$dir"
  if ! "$@" || ! ninja -C "$dir"; then
    echo "run-all: building $dir failed" >&2
    status=1
    return
  fi
  meson test -C "$dir" --print-errorlogs --num-processes 2 || status=1
}

status=0
run_suite build meson setup build -Dwerror=true -Dshared_dir="$shared"
CC=clang run_suite build-asan meson setup build-asan -Dwerror=true -Dshared_dir="$shared" \
  -Db_sanitize=address,undefined -Db_lundef=false -Dfuzzing=true \
  -Dbuildtype=debug

/usr/bin/python3 - build build-asan <<'PY'
import json, os, sys
passed = failed = skipped = 0
for d in sys.argv[1:]:
    log = f"{d}/meson-logs/testlog.json"
    if not os.path.exists(log):
        # a build that failed ran nothing: count it as one failure
        failed += 1
        continue
    with open(log) as f:
        for line in f:
            r = json.loads(line)
            res = r["result"]
            if res in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif res == "SKIP":
                skipped += 1
            else:
                failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
