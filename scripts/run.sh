#!/usr/bin/env bash
# Set up everything and start Loa on embedded defaults: SQLite under ./data, the starter knowledge,
# the corpus from ../shared when it is there, a local index, and the web server with its chat page.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
loa db upgrade
catalog="${LOA_SHARED_DIR:-../shared}/corpus/catalog.yaml"
if [ -f "$catalog" ]; then
  loa kb import --catalog "$catalog"
fi
loa kb starter
loa index build
echo "Loa chạy tại http://${LOA_HOST:-127.0.0.1}:${LOA_PORT:-8000}/chat  (trò chuyện trong terminal: .venv/bin/loa chat)"
exec loa serve --host "${LOA_HOST:-127.0.0.1}" --port "${LOA_PORT:-8000}"
