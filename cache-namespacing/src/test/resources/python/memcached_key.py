# The Python side of MemcachedKeyPolicy.HASH (docs/cache-namespacing.md quotes this file).
# Works on Python 2.7 and 3.x: wire_key(u"raw key") -> the key to send to memcached.
import hashlib

MAX_KEY_BYTES = 250
MAX_HEAD_BYTES = MAX_KEY_BYTES - 1 - 64


def _bad(c):
    return ord(c) < 33 or ord(c) == 127


def wire_key(raw):
    data = raw.encode('utf-8')
    if len(data) <= MAX_KEY_BYTES and not any(_bad(c) for c in raw):
        return raw
    head, size = [], 0
    for c in raw:
        width = len(c.encode('utf-8'))
        if _bad(c) or size + width > MAX_HEAD_BYTES:
            break
        head.append(c)
        size += width
    return u''.join(head) + u'#' + hashlib.sha256(data).hexdigest()
