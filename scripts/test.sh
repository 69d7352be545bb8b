#!/usr/bin/env bash
# Install what the tests need (Python packages, Debian's Chromium for browser tests) and run lint, types and tests.
# PostgreSQL tests use LOA_TEST_POSTGRES_URL (default: the local server); LOA_TEST_REQUIRE_POSTGRES=1 makes a
# missing server fail the run instead of skipping those tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh st,test
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "warning: could not install Debian's chromium; browser tests will fail" >&2
  else
    echo "warning: chromium missing and not root: run 'sudo apt-get install chromium'" >&2
  fi
fi
export PATH="$PWD/.venv/bin:$PATH"
ruff check .
mypy
pytest "$@"
