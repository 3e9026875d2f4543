#!/usr/bin/env bash
# CI version of scripts/bench/model-calibration: 20 simulated trials, fails unless the 95% CI of
# the treatment effect covers the truth in at least 80% of trials for every tissue class and
# component. Usage: scripts/ci/model-calibration.sh [BINARY] (default .build/release/lesionmtr).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-.build/release/lesionmtr}
PY=python3; [ -x .venv/bin/python ] && PY=.venv/bin/python
exec "$PY" scripts/bench/model_calibration.py 20 --lesionmtr "$BIN" --min-coverage 80 --max-coverage 100
