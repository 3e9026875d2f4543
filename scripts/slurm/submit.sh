#!/bin/bash
# Submits a lesionmtr batch as a Slurm job array of N shards, then a dependent merge job.
# Usage: scripts/slurm/submit.sh MANIFEST OUT [N] [--wait]
#   LESIONMTR=/path/to/lesionmtr (default: lesionmtr on PATH), LESIONMTR_OPTIONS="--unit mm" …
# Prints the two job ids. With --wait, waits for both and exits with the merge job's status.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 MANIFEST OUT [N] [--wait]" >&2; exit 64; }
manifest=$(realpath "$1"); out=$(realpath -m "$2"); n=${3:-4}; wait=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
export MANIFEST=$manifest OUT=$out
array=$(sbatch --parsable --array=0-$((n - 1)) --chdir="$out" --export=ALL "$here/lesionmtr-array.sbatch")
array=${array%%;*}
if [ "$wait" = "--wait" ]; then
  merge=$(sbatch --parsable --dependency=afterany:"$array" --chdir="$out" --export=ALL --wait "$here/lesionmtr-merge.sbatch")
else
  merge=$(sbatch --parsable --dependency=afterany:"$array" --chdir="$out" --export=ALL "$here/lesionmtr-merge.sbatch")
fi
echo "array job $array, merge job ${merge%%;*}"
