# Writes values with redis-py exactly as Django's RedisCache does (RedisSerializer: exact ints as they are,
# which redis-py sends as decimal digits, anything else pickle.dumps(value, protocol)).
# argv: host port protocol; stdin: JSON lines [key, python expression].
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
    key, expr = json.loads(line)
    r.set(key, dumps(eval(expr)))
print('ok')
