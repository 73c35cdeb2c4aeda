#!/usr/bin/env bash
# Regenerates the cache dumps bundled for `./cachecompat scan` demos: starts a throwaway redis-server and
# memcached on free loopback ports, lets the real Python 2.7 and 3.13 write Django-style entries
# (scripts/gen-demo-dumps.py), then saves the RDB and runs memcached-tool's dump. Stops what it started.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/verifier/src/main/resources/dev/cachecompat/verifier/demo-dumps"
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
py27="$pyenv_root/versions/2.7.18/bin/python"
py313="$pyenv_root/versions/3.13.0/bin/python"
tool=/usr/share/memcached/scripts/memcached-tool
for x in "$py27" "$py313" "$tool"; do
  [ -x "$x" ] || { echo "missing $x" >&2; exit 2; }
done
export PYTHONHASHSEED=0

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 100); do
    python3 -c "import socket, sys; socket.create_connection(('127.0.0.1', $1), 0.2)" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2; return 1
}

tmp="$(mktemp -d)"
redis_pid=""; memcached_pid=""
cleanup() {
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null || true
  [ -n "$memcached_pid" ] && kill "$memcached_pid" 2>/dev/null && wait "$memcached_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

redis_port="$(free_port)"
memcached_port="$(free_port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp" \
  --dbfilename cache.rdb > "$tmp/redis.log" 2>&1 &
redis_pid=$!
user_opt=(); [ "$(id -u)" = 0 ] && user_opt=(-u root)
memcached -l 127.0.0.1 -p "$memcached_port" -U 0 -m 16 "${user_opt[@]}" > "$tmp/memcached.log" 2>&1 &
memcached_pid=$!
wait_port "$redis_port"
wait_port "$memcached_port"

"$py27" "$root/scripts/gen-demo-dumps.py" "$redis_port" "$memcached_port"
"$py313" "$root/scripts/gen-demo-dumps.py" "$redis_port" "$memcached_port"

mkdir -p "$out"
redis-cli -h 127.0.0.1 -p "$redis_port" SAVE > /dev/null
cp "$tmp/cache.rdb" "$out/cache.rdb"
perl "$tool" "127.0.0.1:$memcached_port" dump > "$out/memcached.dump" 2> /dev/null
keys="$(redis-cli -h 127.0.0.1 -p "$redis_port" DBSIZE)"

cat > "$out/README.txt" <<TXT
Demo cache dumps for \`cachecompat scan\`, written by scripts/gen-demo-dumps.sh: real Python 2.7.18 and
3.13.0 workers wrote Django-style keys (PREFIX:VERSION:KEY) to a real Redis $(redis-server --version | sed -E 's/.*v=([^ ]+).*/\1/')
and memcached $(memcached -V | cut -d' ' -f2) over raw sockets.

cache.rdb        redis SAVE of those entries (RDB $(head -c 9 "$out/cache.rdb" | tail -c 4)), $keys keys
memcached.dump   \`memcached-tool HOST:PORT dump\` of the same entries (add KEY FLAGS EXPTIME BYTES records;
                 flags: 0 bytes, 1 pickle, 2 int, 16 text)

shop:2:*  the Python 2.7 fleet: protocol 2 pickles (users, feed, a session with a 5-year TTL), an int,
          UTF-8 text, raw bytes.
shop:3:*  the Python 3.13 fleet: protocol 5 and 4 pickles, an int, text, canonical JSON (shop:3:config).

Deliberately bad entries:
  shop:2:user:99          a protocol 5 pickle in the namespace that Python 2.7 reads (a misdeployed 3.x worker)
  shop:3:evil             a pickle of os.system("echo pwned") (made with __reduce__, never loaded)
  shop:3:feed:truncated   the first half of a protocol 4 pickle (a write cut short)

Expected namespaces:
  cachecompat scan cache.rdb --namespace shop:2 --expect shop:2=2.7 --namespace shop:3 --expect shop:3=3.8
  cachecompat scan memcached.dump --namespace shop:2 --expect shop:2=2.7 --namespace shop:3 --expect shop:3=3.8
TXT
ls -l "$out"
