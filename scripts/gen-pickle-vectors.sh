#!/usr/bin/env bash
# Regenerates pickle-codec's golden vectors with every pyenv interpreter (2.7 and 3.6+).
# Usage: scripts/gen-pickle-vectors.sh [PYENV_ROOT]   (default /root/.pyenv, or $PYENV_ROOT)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="${1:-${PYENV_ROOT:-/root/.pyenv}}"
out="$here/../pickle-codec/src/test/resources/golden"
rm -rf "$out"
mkdir -p "$out"
found=0
for python in "$root"/versions/*/bin/python; do
  [ -x "$python" ] || continue
  # PYTHONHASHSEED fixes set and dict iteration order so reruns give the same bytes.
  PYTHONHASHSEED=0 "$python" "$here/gen-pickle-vectors.py" "$out"
  found=$((found + 1))
done
if [ "$found" -eq 0 ]; then
  echo "no interpreters under $root/versions" >&2
  exit 1
fi
du -sh "$out"
