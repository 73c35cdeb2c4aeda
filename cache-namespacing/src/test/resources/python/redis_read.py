# Reads keys over raw RESP (no client library: runs on Python 2.7 and 3.x) and decodes them as Django's
# RedisSerializer does: int(data), else pickle.loads(data). argv: host port key...; prints one JSON line per key:
# {"key": k, "type": type name, "repr": repr(value)} or {"key": k, "miss": true}.
import json
import pickle
import socket
import sys

host, port, keys = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
# optional stdin: JSON lines [key, python expression, is_json]: the row gets "equal" (value and type)
expected, expected_json = {}, {}
for line in sys.stdin.read().splitlines():
    k, expr, is_json = json.loads(line)
    expected[k], expected_json[k] = expr, is_json
s = socket.create_connection((host, port), timeout=10)
f = s.makefile('rb')


def command(*args):
    out = [b'*' + str(len(args)).encode() + b'\r\n']
    for a in args:
        a = a.encode('utf-8') if not isinstance(a, bytes) else a
        out.append(b'$' + str(len(a)).encode() + b'\r\n' + a + b'\r\n')
    s.sendall(b''.join(out))
    line = f.readline()
    if line.startswith(b'$-1'):
        return None
    if line.startswith(b'-'):
        raise SystemExit('redis error: %r' % line)
    n = int(line[1:])
    return f.read(n + 2)[:-2]


for key in keys:
    data = command('GET', key)
    if data is None:
        sys.stdout.write(json.dumps({'key': key, 'miss': True}) + '\n')
        continue
    if expected_json.get(key):
        value = data  # a JSON namespace: the bytes are the document
    else:
        try:
            value = int(data)
        except ValueError:
            value = pickle.loads(data)
    row = {'key': key, 'type': type(value).__name__, 'repr': repr(value)}
    if key in expected:
        want = eval(expected[key])
        got = json.loads(value) if expected_json.get(key) else value
        row['equal'] = got == want and type(got) is type(want)
    sys.stdout.write(json.dumps(row) + '\n')
