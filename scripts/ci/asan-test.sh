#!/usr/bin/env bash
# The test suite once under AddressSanitizer: every Swift target (and the lesionmtr binary the CLI
# tests run) built with -sanitize=address into .build-asan, then `swift test` on it. The C
# libraries (nifticlib, zlib, libdeflate) are not instrumented. Any ASan report fails the run.
#   scripts/ci/asan-test.sh [extra swift test arguments, e.g. --filter NIfTITests]
set -euo pipefail
cd "$(dirname "$0")/../.."
swift=${SWIFT:-swift}
scratch=.build-asan
"$swift" build --build-tests -Xswiftc -sanitize=address --scratch-path "$scratch" 2>&1 | grep -v "Cannot export local symbol" | tail -3
log="$scratch/asan-test.log"
# Leaks are checked too, except the toolchain's own (scripts/ci/lsan.supp). The CLI tests run the
# ASan-built lesionmtr, which inherits these options: a report there adds stderr lines and fails
# the test that ran it.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/scripts/ci/lsan.supp:print_suppressions=0}"
set +e
"$swift" test --skip-build --scratch-path "$scratch" "$@" > "$log" 2>&1
status=$?
set -e
if grep -qE "ERROR: (Address|Leak)Sanitizer" "$log" || [ $status -ne 0 ]; then
  grep -A30 -E "ERROR: (Address|Leak)Sanitizer" "$log" | head -60 >&2 || true
  grep -E "✘" "$log" | head -20 >&2 || true
  echo "asan: FAILED (swift test exit $status)" >&2
  exit 1
fi
echo "asan: $(grep -E '^✔ Test run with' "$log" | tail -1)"
