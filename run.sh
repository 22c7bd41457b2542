#!/usr/bin/env bash
# Set up .venv (first time, or when requirements change) and serve the dashboard on the embedded store.
# PORT (default 8501) and ADDRESS (default localhost) choose where; DATABASE_URL another store.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh requirements.txt
exec .venv/bin/python scripts/serve.py \
  --server.headless true --server.address "${ADDRESS:-localhost}" --server.port "${PORT:-8501}" "$@"
