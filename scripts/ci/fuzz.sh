#!/usr/bin/env bash
# Fuzzes lesionmtr's NIfTI reading path with libFuzzer for a bounded time; fails on any crash,
# sanitizer report, timeout or out-of-memory, and prints the number of executions.
#   scripts/ci/fuzz.sh [SECONDS]        (default 60; `make test` runs 60)
# The target (Fuzz/NIfTIFuzz.swift) is compiled with Sources/NIfTI/*.swift into one module with
# -sanitize=fuzzer,address into .build-fuzz/; seeds are the nibabel fixtures
# (scripts/reference/nifti_fixtures.py) and the bad-input corpus (Tests/BadInputs/make_corpus.py),
# each file under every way the target puts bytes on disk. Found inputs accumulate in
# .build-fuzz/corpus; a crashing input is saved as .build-fuzz/crash-*.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
out=.build-fuzz
python=${LESIONMTR_PYTHON:-.venv/bin/python}
mkdir -p "$out/corpus"

binary="$out/nifti-fuzz"
if [ ! -x "$binary" ] || [ -n "$(find Sources/NIfTI Fuzz -name '*.swift' -newer "$binary")" ]; then
  echo "fuzz: building $binary"
  swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name NIfTIFuzz -package-name lesionmtr \
    -I Sources/CNifti -Xcc -I/usr/include/nifti Sources/NIfTI/*.swift Fuzz/NIfTIFuzz.swift \
    -lnifti2 -lznz -ldeflate -lz -lm -o "$binary" 2> >(grep -v "Cannot export local symbol" >&2)
fi

# Seeds: mode byte (see Fuzz/NIfTIFuzz.swift) + file bytes.
rm -rf "$out/seeds" "$out/seed-files" && mkdir -p "$out/seeds" "$out/seed-files"
"$python" scripts/reference/nifti_fixtures.py "$out/seed-files/fixtures" >/dev/null
"$python" Tests/BadInputs/make_corpus.py "$out/seed-files/bad" >/dev/null
"$python" - "$out/seed-files" "$out/seeds" <<'PY'
import gzip, hashlib, os, stat, sys
src, dst = sys.argv[1:]
def seed(mode, data):
    blob = bytes([mode]) + data
    open(os.path.join(dst, hashlib.sha1(blob).hexdigest()), "wb").write(blob)
for root, _, files in os.walk(src):
    for f in sorted(files):
        p = os.path.join(root, f)
        if not stat.S_ISREG(os.stat(p).st_mode) or not os.access(p, os.R_OK) or os.path.getsize(p) > 64 << 10:
            continue
        data = open(p, "rb").read()
        if f.endswith(".hdr") and os.path.exists(p[:-4] + ".img"):
            seed(3, data + open(p[:-4] + ".img", "rb").read())
        elif f.endswith(".nii"):
            seed(0, data)
        elif f.endswith(".nii.gz"):
            seed(1, data)
            try:
                seed(2, gzip.decompress(data))
            except Exception:
                pass
PY
echo "fuzz: $(ls "$out/seeds" | wc -l) seeds, $(ls "$out/corpus" | wc -l) inputs in the working corpus, ${seconds} s"

# -rss_limit_mb: the reader may legitimately allocate what a small gzip can inflate to; anything
# near 2 GB means a header size was trusted. -timeout: one input must not take 10 s (no hang).
set +e
ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 "$binary" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
  -max_len=65536 -print_final_stats=1 -artifact_prefix="$out/crash-" "$out/corpus" "$out/seeds" \
  > "$out/fuzz.log" 2>&1 &
pid=$!
wait $pid
status=$?
set -e
rm -rf "/dev/shm/lesionmtr-fuzz-$pid"
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz.log" | tail -1)
if [ $status -ne 0 ]; then
  tail -40 "$out/fuzz.log" >&2
  echo "fuzz: FAILED (exit $status) after ${runs:-?} executions; inputs: $(ls $out/crash-* 2>/dev/null | tr '\n' ' ')" >&2
  exit 1
fi
echo "fuzz: ${runs} executions in ${seconds} s, no crash ($(ls "$out/corpus" | wc -l) corpus inputs)"
