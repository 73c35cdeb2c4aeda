# Reads keys with redis-py and decodes them as Django's RedisSerializer.loads does (int, else pickle.loads),
# or, for keys marked JSON on stdin, json.loads. argv: host port key...; stdin: JSON lines
# [key, python expression, is_json]; prints {"key", "type", "repr", "equal"} JSON lines.
import json
import pickle
import sys
import redis

host, port, keys = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
expected, expected_json = {}, {}
for line in sys.stdin.read().splitlines():
    k, expr, is_json = json.loads(line)
    expected[k], expected_json[k] = expr, is_json
r = redis.Redis(host=host, port=port)
for key in keys:
    data = r.get(key)
    if data is None:
        sys.stdout.write(json.dumps({'key': key, 'miss': True}) + '\n')
        continue
    if expected_json.get(key):
        value = json.loads(data)
    else:
        try:
            value = int(data)
        except ValueError:
            value = pickle.loads(data)
    row = {'key': key, 'type': type(value).__name__, 'repr': repr(value)}
    if key in expected:
        want = eval(expected[key])
        row['equal'] = value == want and type(value) is type(want)
    sys.stdout.write(json.dumps(row) + '\n')
