# Writes values with redis-py exactly as Django's RedisCache does (RedisSerializer: exact ints as they are,
# which redis-py sends as decimal digits, anything else pickle.dumps(value, protocol)).
# argv: host port protocol; stdin: JSON lines [key, python expression] or [key, expression, true] to store
# the expression's bytes as they are (a JSON namespace).
import json
import pickle
import sys
import redis

host, port, protocol = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = redis.Redis(host=host, port=port)


def dumps(obj):
    if type(obj) is int:
        return obj
    return pickle.dumps(obj, protocol)


for line in sys.stdin:
    row = json.loads(line)
    value = eval(row[1])
    r.set(row[0], value if len(row) > 2 and row[2] else dumps(value))
print('ok')
