# One Django-style cache worker writing to a real Redis and a real memcached over raw sockets (RESP and the
# memcached text protocol: the pyenv interpreters have no client libraries), as scripts/gen-demo-dumps.sh runs it
# under Python 2.7 and then 3.13. Keys follow Django's default key function, PREFIX:VERSION:KEY: the 2.7 fleet
# uses version 2 ("shop:2:..."), the 3.x fleet version 3 ("shop:3:..."). memcached flags follow
# python-memcached / pymemcache: 0 bytes, 1 pickle, 2 int, 16 text.
# Usage: python gen-demo-dumps.py REDIS_PORT MEMCACHED_PORT
import datetime
import json
import os
import pickle
import socket
import sys
import time

PY2 = sys.version_info[0] == 2
redis_port, memcached_port = int(sys.argv[1]), int(sys.argv[2])
FAR = 5 * 365 * 24 * 3600  # TTLs long enough that the bundled dumps stay unexpired for years


def b(x):
    if isinstance(x, bytes):
        return x
    if not PY2 and isinstance(x, str) or PY2 and isinstance(x, unicode):  # noqa: F821 (Python 2)
        return x.encode("utf-8")
    return str(x).encode("ascii")


class Conn(object):
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.f = self.s.makefile("rb")

    def line(self):
        l = self.f.readline()
        if not l.endswith(b"\r\n"):
            raise IOError("connection closed")
        return l[:-2]


class Redis(Conn):
    def call(self, *args):
        out = [b"*" + b(len(args)) + b"\r\n"]
        for a in args:
            a = b(a)
            out.append(b"$" + b(len(a)) + b"\r\n" + a + b"\r\n")
        self.s.sendall(b"".join(out))
        l = self.line()
        if l[:1] == b"-":
            raise IOError("redis said " + repr(l))
        if l[:1] == b"$" and l != b"$-1":
            data = self.f.read(int(l[1:]) + 2)
            return data[:-2]
        return l[1:]


class Memcached(Conn):
    def set(self, key, data, flags, exptime=0):
        self.s.sendall(b"set " + b(key) + b" " + b(flags) + b" " + b(exptime) + b" " + b(len(data)) + b"\r\n"
                       + data + b"\r\n")
        l = self.line()
        if l != b"STORED":
            raise IOError("memcached said " + repr(l))


redis = Redis(redis_port)
mc = Memcached(memcached_port)


def put(key, data, flags, ttl=0):
    """Writes one entry to both caches, as the worker's cache backend would."""
    if ttl:
        redis.call("SET", key, data, "EX", ttl)
    else:
        redis.call("SET", key, data)
    mc.set(key, data, flags, int(time.time()) + ttl if ttl else 0)


def put_pickle(key, value, protocol, ttl=0):
    put(key, pickle.dumps(value, protocol), 1, ttl)


def user(i):
    return {"id": i, "name": u"Zo\u00eb %d" % i, "email": "user%d@example.com" % i, "score": 0.5 + i,
            "tags": set([u"tea", u"trains"]), "joined": datetime.datetime(2014, 3, i, 5, 6, 7)}


feed = [{"post": i, "likes": i * 7, "text": u"post %d \U0001F600" % i} for i in range(8)]

if PY2:
    for i in range(1, 4):
        put_pickle("shop:2:user:%d" % i, user(i), 2)
    put_pickle("shop:2:feed:home", feed, 2)
    put_pickle("shop:2:session:abc", {"uid": 1, "csrf": "x" * 16}, 2, ttl=FAR)
    put("shop:2:visits", b"1234", 2)
    put("shop:2:banner", u"Soldes d'\u00e9t\u00e9".encode("utf-8"), 16)
    put("shop:2:logo", b"\x89PNG\r\n\x1a\n", 0)
else:
    class Evil(object):
        """Pickles to a call of os.system; generated here, never loaded anywhere."""

        def __reduce__(self):
            return (os.system, ("echo pwned",))

    for i in range(1, 4):
        put_pickle("shop:3:user:%d" % i, user(i), 5)
    put_pickle("shop:3:feed:home", feed, 4)
    put_pickle("shop:3:session:abc", {"uid": 1, "csrf": "x" * 16}, 5, ttl=FAR)
    put("shop:3:visits", b"1234", 2)
    put("shop:3:banner", u"Soldes d'\u00e9t\u00e9".encode("utf-8"), 16)
    put("shop:3:config", json.dumps({"currency": "EUR", "limits": [1, 2.5, None]}, sort_keys=True).encode(), 16)
    # Deliberately bad entries:
    # a misdeployed 3.13 worker writing protocol 5 into the namespace the 2.7 readers use;
    put_pickle("shop:2:user:99", user(9), 5)
    # a pickle that would run a shell command when loaded;
    put_pickle("shop:3:evil", Evil(), 2)
    # a write cut short (the worker died mid-set).
    whole = pickle.dumps(feed, 4)
    put("shop:3:feed:truncated", whole[:len(whole) // 2], 1)
print("Python %d.%d wrote its entries" % sys.version_info[:2])
