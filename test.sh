#!/usr/bin/env bash
# Set up .venv with the test dependencies and run the whole test suite (pytest arguments pass through).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh requirements-dev.txt
exec .venv/bin/python -m pytest -n "${TEST_WORKERS:-2}" "$@"
