#!/usr/bin/env bash
# Regenerates the sample payloads bundled for `./cachecompat demo` with the real Python 2.7 and 3.13.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/verifier/src/main/resources/dev/cachecompat/verifier/demo"
export PYTHONHASHSEED=0
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
rm -rf "$out" && mkdir -p "$out"
for v in 2.7.18 3.13.0; do
  "$pyenv_root/versions/$v/bin/python" "$root/scripts/gen-demo-samples.py" "$out"
done
(cd "$out" && ls -1 | grep -v '^index.txt$' > index.txt)
echo "wrote $(wc -l < "$out/index.txt") samples to $out"
