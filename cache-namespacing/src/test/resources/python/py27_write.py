# A Python 2.7 worker writing the way its libraries do, over raw sockets (no client library needed):
#   memcached: python-memcached's _val_to_store_info (str flags 0, unicode 16 as UTF-8, int and bool 2, long 4,
#              anything else pickled with flags 1 at argv[4]'s protocol; Django's MemcachedCache passes
#              pickleProtocol=pickle.HIGHEST_PROTOCOL, python-memcached's own default is 0)
#   redis:     django-redis's DefaultClient.encode (int and long as decimal digits, anything else
#              pickle.dumps(value, protocol); bool is pickled)
# argv: memcached|redis host port protocol; stdin: JSON lines [key, python 2 expression].
import json
import pickle
import socket
import sys

kind, host, port, protocol = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sock = socket.create_connection((host, port))
reader = sock.makefile('rb')


def memcached_value(val):
    if isinstance(val, str):
        return 0, val
    if isinstance(val, unicode):
        return 16, val.encode('utf-8')
    if isinstance(val, int):
        return 2, '%d' % val
    if isinstance(val, long):
        return 4, str(val)
    return 1, pickle.dumps(val, protocol)


def redis_value(val):
    if isinstance(val, bool) or not isinstance(val, (int, long)):
        return pickle.dumps(val, protocol)
    return str(val)


for line in sys.stdin:
    key, expr = json.loads(line)
    key = key.encode('utf-8')
    val = eval(expr)
    if kind == 'memcached':
        flags, data = memcached_value(val)
        sock.sendall('set %s %d 0 %d\r\n%s\r\n' % (key, flags, len(data), data))
        reply = reader.readline()
        assert reply == 'STORED\r\n', reply
    else:
        data = redis_value(val)
        parts = ['SET', key, data]
        sock.sendall('*%d\r\n' % len(parts) + ''.join('$%d\r\n%s\r\n' % (len(p), p) for p in parts))
        reply = reader.readline()
        assert reply == '+OK\r\n', reply
print('ok')
