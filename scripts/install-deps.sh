#!/usr/bin/env bash
# Installs what lesionmtr needs on a fresh Debian (bookworm) machine, and nothing twice:
#   - system packages: nifticlib (NIfTI-2 API), libdeflate, zlib, nifti_tool, and Chromium (the
#     QC report's test opens the report headless and takes a screenshot);
#   - a Python venv in .venv with the reference implementation's packages (and, with --bench,
#     the peers measured by scripts/bench/).
# Swift itself (6.1 or later) must already be on PATH.
# Usage: scripts/install-deps.sh [--bench]
set -euo pipefail
cd "$(dirname "$0")/.."

bench=0
[ "${1:-}" = "--bench" ] && bench=1

need=()
for pkg in libnifti-dev nifti-bin libdeflate-dev zlib1g-dev bc chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "install-deps: installing ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=300 \
    --no-install-recommends "${need[@]}" >/dev/null
fi

command -v swift >/dev/null || { echo "install-deps: swift (6.1 or later) is not on PATH" >&2; exit 69; }

# The venv: rebuilt only when the requirement files change (a stamp records their hash).
reqs=(scripts/requirements-reference.txt)
[ $bench = 1 ] && reqs+=(scripts/requirements-bench.txt)
stamp=.venv/.lesionmtr-requirements
want=$(cat "${reqs[@]}" | sha256sum | cut -c1-16)
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "install-deps: installing Python packages into .venv (${reqs[*]})"
  .venv/bin/pip install -q --disable-pip-version-check $(printf -- '-r %s ' "${reqs[@]}")
  echo "$want" > "$stamp"
fi
