# Long-lived worker for the property ITs (Python 2.7 and 3.x). Frames on stdin: op byte, 4-byte big-endian
# length, payload. Replies on stdout: status byte ('T' ok, 'F' refused/different), 4-byte length, payload.
import json
import math
import pickle
import struct
import sys

PY2 = sys.version_info[0] == 2
if PY2:
    inp, out = sys.stdin, sys.stdout
    INTS = (int, long)  # noqa: F821
else:
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    INTS = (int,)
MUTABLE = (list, dict, set, bytearray)


def read_exact(n):
    data = b''
    while len(data) < n:
        chunk = inp.read(n - len(data))
        if not chunk:
            sys.exit(0)
        data += chunk
    return data


def reply(status, payload):
    out.write(status + struct.pack('>I', len(payload)) + payload)
    out.flush()


def same_float(a, b):
    if a != a:
        return b != b
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def deep_eq(a, b, am, bm, path):
    ta, tb = type(a), type(b)
    if ta in INTS and tb in INTS:
        return None if a == b else 'int %r != %r at %s' % (a, b, path)
    if ta is not tb:
        return 'type %s != %s at %s' % (ta.__name__, tb.__name__, path)
    if ta is float:
        return None if same_float(a, b) else 'float %r != %r at %s' % (a, b, path)
    if ta is complex:
        ok = same_float(a.real, b.real) and same_float(a.imag, b.imag)
        return None if ok else 'complex %r != %r at %s' % (a, b, path)
    if ta in MUTABLE:
        ia, ib = am.get(id(a)), bm.get(id(b))
        if ia is not None or ib is not None:
            return None if ia == id(b) and ib == id(a) else 'sharing differs at %s' % path
        am[id(a)] = id(b)
        bm[id(b)] = id(a)
    if ta in (list, tuple):
        if len(a) != len(b):
            return 'length %d != %d at %s' % (len(a), len(b), path)
        for i in range(len(a)):
            r = deep_eq(a[i], b[i], am, bm, '%s[%d]' % (path, i))
            if r:
                return r
        return None
    if ta is dict:
        if set(a.keys()) != set(b.keys()):
            return 'keys %r != %r at %s' % (sorted(map(repr, a)), sorted(map(repr, b)), path)
        for k in a:
            r = deep_eq(a[k], b[k], am, bm, '%s[%r]' % (path, k))
            if r:
                return r
        return None
    return None if a == b else '%r != %r at %s' % (a, b, path)


def field(buf, pos):
    (n,) = struct.unpack('>I', buf[pos:pos + 4])
    return buf[pos + 4:pos + 4 + n], pos + 4 + n


def main():
    while True:
        op = read_exact(1)
        (n,) = struct.unpack('>I', read_exact(4))
        payload = read_exact(n)
        try:
            if op == b'C':
                data, pos = field(payload, 0)
                source, pos = field(payload, pos)
                loaded = pickle.loads(data)
                ns = {}
                exec(source.decode('ascii'), ns)
                expected = ns['expected']
                why = deep_eq(loaded, expected, {}, {}, 'value')
                if why:
                    reply(b'F', why.encode('utf-8', 'backslashreplace') if not PY2 else why)
                    continue
                parts = []
                for p in range(pickle.HIGHEST_PROTOCOL + 1):
                    d = pickle.dumps(expected, p)
                    parts.append(struct.pack('>I', len(d)) + d)
                reply(b'T', b''.join(parts))
            elif op == b'M':
                pickle.loads(payload)
                reply(b'T', b'')
            elif op == b'J':
                text = payload.decode('utf-8')
                reply(b'T', json.dumps(json.loads(text), sort_keys=True).encode('utf-8'))
            elif op == b'K':
                text = payload.decode('utf-8')
                dumped = json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False, separators=(',', ':'))
                reply(b'T', dumped.encode('utf-8'))
            else:
                reply(b'F', b'unknown op')
        except Exception as e:  # the property decides what a refusal means
            msg = '%s: %s' % (type(e).__name__, str(e)[:300])
            reply(b'F', msg.encode('utf-8', 'replace') if not PY2 else msg)


main()
