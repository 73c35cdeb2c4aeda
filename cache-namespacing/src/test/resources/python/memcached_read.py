# Reads keys from memcached over the raw text protocol and decodes them exactly as python-memcached /
# pymemcache do (flags 0 bytes, 1 pickle, 2 int, 4 long, 8 zlib, 16 UTF-8 text). Runs on Python 2.7 and 3.x
# without any client library. argv: host port key...; prints one JSON line per key:
# {"key": k, "flags": f, "type": type name, "repr": repr(value)} or {"key": k, "miss": true}.
import json
import pickle
import socket
import sys
import zlib

host, port, keys = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
# optional stdin: JSON lines [key, python expression, is_json]: the row gets "equal" (value and type)
expected, expected_json = {}, {}
for line in sys.stdin.read().splitlines():
    k, expr, is_json = json.loads(line)
    expected[k], expected_json[k] = expr, is_json
s = socket.create_connection((host, port), timeout=10)
f = s.makefile('rb')
for key in keys:
    k = key.encode('utf-8') if not isinstance(key, bytes) else key
    s.sendall(b'get ' + k + b'\r\n')
    line = f.readline()
    if line.startswith(b'END'):
        sys.stdout.write(json.dumps({'key': key, 'miss': True}) + '\n')
        continue
    parts = line.split()
    flags, size = int(parts[2]), int(parts[3])
    data = f.read(size + 2)[:-2]
    assert f.readline().startswith(b'END')
    raw_flags = flags
    if flags & 8:
        data = zlib.decompress(data)
        flags &= ~8
    if flags == 0:
        value = data
    elif flags & 16:
        value = data.decode('utf-8')
    elif flags & 2:
        value = int(data)
    elif flags & 4:
        value = long(data) if sys.version_info[0] == 2 else int(data)  # noqa: F821
    elif flags & 1:
        value = pickle.loads(data)
    else:
        value = data
    row = {'key': key, 'flags': raw_flags, 'type': type(value).__name__, 'repr': repr(value)}
    if key in expected:
        want = eval(expected[key])
        got = json.loads(value) if expected_json.get(key) else value
        row['equal'] = got == want and type(got) is type(want)
    sys.stdout.write(json.dumps(row) + '\n')
