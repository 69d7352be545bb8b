#!/usr/bin/env bash
# The real Rasa Open Source engine (3.6.21, Python 3.9) on a Debian machine without installing anything system-wide.
#
#   scripts/rasa.sh build        build the engine once into $LOA_RASA_HOME (reused by later runs)
#   scripts/rasa.sh train        train on rasa/ + nlu/data/nlu.yml; the model is cached by a hash of those files
#   scripts/rasa.sh model        like train, then print the model's path
#   scripts/rasa.sh run          train if needed, then Rasa (REST channel + HTTP API) on 127.0.0.1:${LOA_RASA_PORT:-5005}
#                                with the actions at ${LOA_ACTION_URL:-http://127.0.0.1:5055/webhook} (`loa rasa-actions`)
#   scripts/rasa.sh exec CMD…    run CMD inside the engine's environment (e.g. `exec rasa --version`)
#
# Recipe: Python 3.9.2 from Debian 11 (bullseye) packages, fetched with a private APT_CONFIG and unpacked with
# `dpkg -x`; its libssl1.1, libffi7 and libmpdec3 on LD_LIBRARY_PATH; a venv made --without-pip, pip bootstrapped
# from Debian's bundled pip wheel (python-pip-whl), then `pip install rasa==3.6.21`. Rasa 3.6 needs Python ≤ 3.10,
# which is why it cannot live in Loa's own (3.11) environment. Telemetry is off. Engine, staged projects and models
# live in ${LOA_RASA_HOME:-/var/cache/loa/rasa-3.6.21}, outside the work tree.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RASA_VERSION=3.6.21
ENGINE="${LOA_RASA_HOME:-/var/cache/loa/rasa-$RASA_VERSION}"
SYSROOT="$ENGINE/sysroot"
VENV="$ENGINE/venv"
MODELS="$ENGINE/models"
PORT="${LOA_RASA_PORT:-5005}"
export LOA_ACTION_URL="${LOA_ACTION_URL:-http://127.0.0.1:5055/webhook}"
export RASA_TELEMETRY_ENABLED=false
# Debian's archive through the same mirror host this machine's apt already uses (its first ".../debian" source).
host_mirror() {
  local found
  found="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
             | grep -oE '^(URIs:|deb)[[:space:]]+(\[[^]]*\][[:space:]]+)?https?://[^[:space:]]+/debian/?([[:space:]]|$)' \
             | grep -oE 'https?://[^[:space:]]+' | head -n1 || true)"
  echo "${found:-http://deb.debian.org/debian}"
}
MIRROR="${LOA_RASA_DEBIAN_MIRROR:-$(host_mirror)}"
PACKAGES=(python3.9-minimal libpython3.9-minimal python3.9 libpython3.9-stdlib python3-distutils python3-lib2to3
          python-pip-whl libssl1.1 libffi7 libmpdec3)

die() { echo "rasa.sh: $*" >&2; exit 1; }

engine_env() {
  export LD_LIBRARY_PATH="$SYSROOT/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export PATH="$VENV/bin:$PATH"
  export PYTHONWARNINGS=ignore SQLALCHEMY_SILENCE_UBER_WARNING=1  # deprecation noise of Rasa's dependencies
}

build() {
  if [ -f "$ENGINE/.built" ]; then
    echo "Rasa $RASA_VERSION engine reused from $ENGINE"
    return
  fi
  command -v apt-get >/dev/null && command -v dpkg >/dev/null || die "needs Debian's apt-get and dpkg"
  local apt="$ENGINE/apt" started=$SECONDS
  rm -rf "$SYSROOT" "$VENV"
  mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/sources.list.d" "$SYSROOT"
  : >"$apt/status"
  echo "deb $MIRROR bullseye main" >"$apt/sources.list"
  cat >"$apt/apt.conf" <<EOF
Dir::State "$apt";
Dir::State::lists "$apt/lists";
Dir::State::status "$apt/status";
Dir::Cache "$apt";
Dir::Cache::archives "$apt/archives";
Dir::Etc::SourceList "$apt/sources.list";
Dir::Etc::SourceParts "$apt/sources.list.d";
APT::Architecture "amd64";
APT::Sandbox::User "root";
EOF
  echo "Fetching Python 3.9 from Debian 11 (bullseye) into $SYSROOT"
  (cd "$apt/archives" && APT_CONFIG="$apt/apt.conf" apt-get -qq update \
     && APT_CONFIG="$apt/apt.conf" apt-get -qq download "${PACKAGES[@]}") || die "could not fetch bullseye packages"
  for deb in "$apt"/archives/*.deb; do dpkg -x "$deb" "$SYSROOT"; done
  local python="$SYSROOT/usr/bin/python3.9"
  LD_LIBRARY_PATH="$SYSROOT/usr/lib/x86_64-linux-gnu" "$python" -c 'import ssl, ctypes, decimal, sqlite3' \
    || die "the unpacked Python 3.9 misses a library"
  LD_LIBRARY_PATH="$SYSROOT/usr/lib/x86_64-linux-gnu" "$python" -m venv --without-pip "$VENV"
  local wheel
  wheel="$(ls "$SYSROOT"/usr/share/python-wheels/pip-*.whl)" || die "python-pip-whl has no pip wheel"
  engine_env
  echo "Installing rasa==$RASA_VERSION into $VENV"
  # (the filter drops pip's notes about this machine's optional local indexes that do not exist)
  { python "$wheel/pip" install -q --no-cache-dir --upgrade pip \
      && python -m pip install -q --no-cache-dir "rasa==$RASA_VERSION"; } \
    2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2) || die "pip install rasa==$RASA_VERSION failed"
  rasa --version >/dev/null || die "rasa does not start"
  touch "$ENGINE/.built"
  echo "Rasa $RASA_VERSION engine built in $((SECONDS - started)) s: $ENGINE"
}

require_engine() {
  [ -f "$ENGINE/.built" ] || die "no engine in $ENGINE: run 'scripts/rasa.sh build' first"
  engine_env
}

# A digest of every file Rasa trains on, and of the engine's version: the model's cache key.
project_hash() {
  (cd "$ROOT" && { find rasa -type f -name '*.yml' -not -path 'rasa/models/*' -not -path 'rasa/.rasa/*' \
                     | LC_ALL=C sort; echo nlu/data/nlu.yml; } | xargs sha256sum && echo "rasa==$RASA_VERSION") \
    | sha256sum | cut -c1-16
}

# Rasa's project as Rasa expects it: rasa/ with Loa's own NLU data as data/nlu.yml (as docker-compose mounts it),
# staged once per digest so that a run never sees a half-copied project.
stage_project() {
  local project="$ENGINE/projects/$1"
  if [ ! -d "$project" ]; then
    mkdir -p "$ENGINE/projects"
    local staging
    staging="$(mktemp -d "$ENGINE/projects/.staging-XXXXXX")"
    (cd "$ROOT/rasa" && find . -name '*.yml' -not -path './models/*' -not -path './.rasa/*' \
       -exec cp --parents {} "$staging"/ \;)
    cp "$ROOT/nlu/data/nlu.yml" "$staging/data/nlu.yml"
    mv "$staging" "$project"
  fi
  echo "$project"
}

# The trained model for the current project files (training only when they changed); prints its path.
train() {
  require_engine
  local hash project model
  hash="$(project_hash)"
  project="$(stage_project "$hash")"
  model="$MODELS/loa-$hash.tar.gz"
  if [ -f "$model" ]; then
    echo "Rasa model reused: $model" >&2
  else
    mkdir -p "$MODELS"
    # (no dot in the name: Rasa would take what follows it for an extension)
    local started=$SECONDS partial="partial-$$-$hash" log="$MODELS/train-$hash.log"
    echo "Training Rasa on the project files (log: $log)" >&2
    if ! (cd "$project" && rasa train --quiet --out "$MODELS" --fixed-model-name "$partial" >"$log" 2>&1); then
      tail -n 40 "$log" >&2
      die "rasa train failed (log: $log)"
    fi
    mv "$MODELS/$partial.tar.gz" "$model" || die "rasa train wrote no model"
    echo "Rasa model trained in $((SECONDS - started)) s: $model" >&2
  fi
  echo "$project $model"
}

run() {
  require_engine
  local project model
  read -r project model < <(train)
  [ -n "$model" ] || exit 1
  cd "$project"
  exec rasa run --model "$model" --enable-api --interface 127.0.0.1 --port "$PORT" \
    --credentials credentials.yml --endpoints endpoints.yml "$@"
}

case "${1:-}" in
  build) build ;;
  train) train >/dev/null ;;
  model) train | cut -d' ' -f2 ;;
  run) shift; run "$@" ;;
  exec) shift; require_engine; exec "$@" ;;
  *) die "usage: scripts/rasa.sh build|train|model|run [rasa run options]|exec CMD…" ;;
esac
