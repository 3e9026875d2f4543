#!/bin/bash
# The cluster path end to end, on a real single-node Slurm started on loopback:
#   1. the `make dist` binary must name no Swift library (ldd) and run with /opt/swift out of
#      reach (env -i, PATH=/usr/bin:/bin);
#   2. it simulates a 6-subject trial and runs a local batch;
#   3. the same trial runs as a 3-task job array (--shard slurm) plus a dependent merge job
#      (scripts/slurm/submit.sh), with the same stripped environment (memory request lowered to
#      fit the test node through SBATCH_MEM_PER_NODE);
#   4. the merged tables must equal the local run's, byte for byte.
# Usage: scripts/ci/slurm-test.sh DIST_TARBALL   (needs root: installs and starts Slurm)
set -euo pipefail
cd "$(dirname "$0")/../.."
tarball=${1:?usage: $0 dist/lesionmtr-VERSION-linux-x86_64.tar.gz}
[ "$(id -u)" -eq 0 ] || { echo "slurm-test: needs root to start Slurm" >&2; exit 77; }
work=$(mktemp -d /tmp/lesionmtr-slurm-test.XXXXXX)
slurmdir=$work/slurm
trap 'scripts/ci/slurm-local.sh stop "$slurmdir" >/dev/null 2>&1 || true' EXIT
fail() { echo "slurm-test: FAIL: $*" >&2; echo "slurm: 0 passed, 1 failed"; exit 1; }

tar -xzf "$tarball" -C "$work"
bin=$(find "$work" -maxdepth 3 -type f -name lesionmtr -perm -u+x | head -1)
[ -n "$bin" ] || fail "no lesionmtr binary in $tarball"
[ -f "$(dirname "$bin")/docs/tables.md" ] || fail "no docs/tables.md beside the binary in $tarball"
if ldd "$bin" | grep -qiE 'swift|Foundation|dispatch|nifti|znz|deflate|libz\.'; then
  ldd "$bin" >&2; fail "the dist binary links a Swift or C library dynamically"
fi
bare() { env -i PATH=/usr/bin:/bin HOME=/tmp "$@"; }
anatomy=$(pwd)/sample-data/anatomy
bare "$bin" simulate --subjects 6 --grid 2mm --seed 4 --quiet --anatomy "$anatomy" -o "$work/trial"
bare "$bin" batch "$work/trial/manifest.tsv" -o "$work/local" --quiet

scripts/ci/slurm-local.sh start "$slurmdir" >/dev/null
bare SLURM_CONF="$slurmdir/etc/slurm.conf" LESIONMTR="$bin" SBATCH_MEM_PER_NODE=1000 \
  scripts/slurm/submit.sh "$work/trial/manifest.tsv" "$work/cluster" 3 --wait \
  || fail "the Slurm array or merge job failed (logs in $work/cluster)"
for t in lesions subjects bands errors; do
  cmp -s "$work/local/$t.tsv" "$work/cluster/$t.tsv" || fail "$t.tsv differs between the local and the Slurm run"
done
n=$(ls "$work/cluster"/lesionmtr-*_*.log 2>/dev/null | wc -l)
[ "$n" -eq 3 ] || fail "expected 3 array task logs, found $n"
echo "slurm-test: 3 array tasks + merge on Slurm give the local tables byte for byte"
echo "slurm: 1 passed, 0 failed"
scripts/ci/slurm-local.sh stop "$slurmdir" >/dev/null 2>&1 || true
trap - EXIT
rm -rf "$work"
