#!/usr/bin/env bash
# Install festival_assets into .venv and import one ceremony (default: the 2024 Academy Awards)
# into the embedded default database under DAGSTER_HOME (default: .dagster_home).
set -euo pipefail
cd "$(dirname "$0")/.."

partition="${1:-oscars-2024}"
python=$(command -v python3.11 || command -v python3)
[ -x .venv/bin/python ] || "$python" -m venv .venv
# Installed once, and again when pyproject.toml changes.
installed=$(ls -d .venv/lib/python3*/site-packages/festival_assets-*.dist-info 2> /dev/null || true)
if [ -z "$installed" ] || [ pyproject.toml -nt "$installed" ]; then
  .venv/bin/pip install -qq --upgrade pip
  .venv/bin/pip install -qq -e ".[dev]"
fi

export DAGSTER_HOME="${DAGSTER_HOME:-$PWD/.dagster_home}"
mkdir -p "$DAGSTER_HOME"
if [ ! -f "$DAGSTER_HOME/dagster.yaml" ]; then
  cp dagster.yaml "$DAGSTER_HOME/dagster.yaml"
  .venv/bin/dagster instance concurrency set tmdb 1 > /dev/null
fi
# The ceremonies of the partition's festival become partitions of the instance (the daemon's
# source_updates sensor does the same for every festival).
.venv/bin/festival-sources check "${partition%%-*}"

# `dagster asset materialize` warns that `dg launch` supersedes it; dg is not installed here.
status=0
PYTHONWARNINGS="ignore:Function \`asset_materialize_command\` is superseded" \
  .venv/bin/dagster asset materialize -m festival_assets.definitions --select '*' \
  --partition "$partition" || status=$?

echo
.venv/bin/python -m festival_assets.report "$partition"
echo "Browse it: DAGSTER_HOME=$DAGSTER_HOME .venv/bin/dagster dev"
exit $status
