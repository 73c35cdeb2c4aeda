# Typed JSON notation for Python values, shared by scripts/gen-encoder-expectations.py and PickleEncoderIT.
# Runs under Python 2.7 and 3.x. A node is null, true, false, or {"t": <type>, "v": ...}:
#   int "v": decimal text ("j": Java type hint, ignored here)     float "v": float.hex() text, inf, -inf, nan
#   str "v": text, bytes / bytearray "v": hex (all three: "n" repeats it n times)
#        list / tuple / set / frozenset "v": [nodes]
#   dict "v": [[key, value], ...]   complex "v": [re, im] as float text   decimal "v": str(Decimal)
#   datetime "v": [y, m, d, H, M, S, us]   date [y, m, d]   time [H, M, S, us]   timedelta [days, secs, us]
#   datetime / time "tz": UTC offset in seconds, for an aware value with a datetime.timezone (Python 3.2+)
#   timezone "v": UTC offset in seconds (datetime.timezone(timedelta(seconds=v)), Python 3.2+); within one
#       value every timezone of the same offset is one shared object, as Java's ZoneOffset instances are
#   global "v": module.name of a singleton pickled by name (builtins.Ellipsis, builtins.NotImplemented)
#   uuid "v": 32 hex digits   object: "cls" module.name, "args" [nodes], "state" node
#   def: "id", "v": node (a list or dict may refer to itself)   ref "v": id of an enclosing or earlier def
#   tuplecycle: t = ([],); t[0].append(t)
import binascii
import datetime
import decimal
import struct
import sys
import uuid

PY2 = sys.version_info[0] == 2
if PY2:
    TEXT = unicode  # noqa: F821
    BYTES = str
    INTS = (int, long)  # noqa: F821
    unichr_ = unichr  # noqa: F821
else:
    TEXT = str
    BYTES = bytes
    INTS = (int,)
    unichr_ = chr


def build(node, defs=None):
    if defs is None:
        defs = {}
    if node is None or node is True or node is False:
        return node
    t = node['t']
    v = node.get('v')
    if t == 'int':
        return int(v)
    if t == 'float':
        return float.fromhex(v) if v not in ('inf', '-inf', 'nan') else float(v)
    if t == 'str':
        return v * node.get('n', 1)
    if t == 'bytes':
        return binascii.unhexlify(v.encode('ascii')) * node.get('n', 1)
    if t == 'bytearray':
        return bytearray(binascii.unhexlify(v.encode('ascii')) * node.get('n', 1))
    if t == 'list':
        return [build(x, defs) for x in v]
    if t == 'tuple':
        return tuple(build(x, defs) for x in v)
    if t == 'set':
        return set(build(x, defs) for x in v)
    if t == 'frozenset':
        return frozenset(build(x, defs) for x in v)
    if t == 'dict':
        d = {}
        for k, x in v:
            d[build(k, defs)] = build(x, defs)
        return d
    if t == 'complex':
        return complex(build({'t': 'float', 'v': v[0]}), build({'t': 'float', 'v': v[1]}))
    if t == 'decimal':
        return decimal.Decimal(v)
    if t == 'datetime':
        return datetime.datetime(*v, tzinfo=_tz(node.get('tz'), defs))
    if t == 'date':
        return datetime.date(*v)
    if t == 'time':
        return datetime.time(*v, tzinfo=_tz(node.get('tz'), defs))
    if t == 'timezone':
        return _tz(v, defs)
    if t == 'global':
        module, _, name = v.rpartition('.')
        if PY2 and module == 'builtins':
            module = '__builtin__'
        return getattr(__import__(module, fromlist=[name]), name)
    if t == 'timedelta':
        return datetime.timedelta(days=v[0], seconds=v[1], microseconds=v[2])
    if t == 'uuid':
        return uuid.UUID(hex=v)
    if t == 'object':
        module, _, name = node['cls'].rpartition('.')
        cls = getattr(__import__(module, fromlist=[name]), name)
        obj = cls(*[build(x, defs) for x in node['args']])
        if node.get('state') is not None:
            state = build(node['state'], defs)
            if hasattr(obj, '__setstate__'):
                obj.__setstate__(state)
            else:
                obj.__dict__.update(state)
        return obj
    if t == 'def':
        inner = v
        if inner['t'] == 'list':
            obj = []
            defs[node['id']] = obj
            obj.extend(build(x, defs) for x in inner['v'])
            return obj
        if inner['t'] == 'dict':
            obj = {}
            defs[node['id']] = obj
            for k, x in inner['v']:
                obj[build(k, defs)] = build(x, defs)
            return obj
        obj = build(inner, defs)
        defs[node['id']] = obj
        return obj
    if t == 'ref':
        return defs[v]
    if t == 'tuplecycle':
        c = ([],)
        c[0].append(c)
        return c
    raise ValueError('unknown node type %r' % (t,))


def _tz(seconds, defs):
    """One timezone object per offset within a value, as Java's ZoneOffset instances are shared."""
    if seconds is None:
        return None
    key = ('tz', seconds)
    if key not in defs:
        defs[key] = datetime.timezone(datetime.timedelta(seconds=seconds))
    return defs[key]


def _aware_differs(exp, act, path):
    """Aware datetimes and times: same local fields, both datetime.timezone, same offset (not just the instant)."""
    if (exp.tzinfo is None) != (act.tzinfo is None):
        return '%s: tzinfo %r != %r' % (path, act.tzinfo, exp.tzinfo)
    if type(act.tzinfo) is not type(exp.tzinfo):
        return '%s: tzinfo type %s != %s' % (path, kind(act.tzinfo), kind(exp.tzinfo))
    if exp.replace(tzinfo=None) != act.replace(tzinfo=None) or exp.utcoffset() != act.utcoffset():
        return '%s: %r != %r' % (path, act, exp)
    return None


def kind(x):
    if x is None:
        return 'None'
    if isinstance(x, bool):
        return 'bool'
    if isinstance(x, INTS):
        return 'int'
    if isinstance(x, TEXT):
        return 'str'
    if isinstance(x, BYTES):
        return 'bytes'
    return type(x).__module__ + '.' + type(x).__name__


def _bits(f):
    return struct.pack('>d', f)


def _same_float(a, b):
    return (a != a and b != b) or _bits(a) == _bits(b)


MUTABLE = (list, dict, set, bytearray)


def differs(exp, act, pairs=None, rev=None, path='value', sharing=True):
    """None when act equals exp strictly (types, float bits, shared structure unless sharing is False)."""
    if pairs is None:
        pairs, rev = ({}, {}) if sharing else (False, False)
    ke, ka = kind(exp), kind(act)
    if ke != ka:
        return '%s: type %s != %s' % (path, ka, ke)
    if pairs is not False and (isinstance(exp, MUTABLE) or isinstance(exp, tuple)):
        if id(exp) in pairs:
            if pairs[id(exp)] is act:
                return None
            return '%s: sharing differs' % path
        if isinstance(exp, MUTABLE) and id(act) in rev and rev[id(act)] is not exp:
            return '%s: two expected objects load as one' % path
        pairs[id(exp)] = act
        rev[id(act)] = exp
    if isinstance(exp, float):
        return None if _same_float(exp, act) else '%s: %r != %r' % (path, act, exp)
    if isinstance(exp, complex):
        ok = _same_float(exp.real, act.real) and _same_float(exp.imag, act.imag)
        return None if ok else '%s: %r != %r' % (path, act, exp)
    if isinstance(exp, decimal.Decimal):
        return None if str(exp) == str(act) else '%s: %s != %s' % (path, act, exp)
    if isinstance(exp, (list, tuple)):
        if len(exp) != len(act):
            return '%s: length %d != %d' % (path, len(act), len(exp))
        for i in range(len(exp)):
            d = differs(exp[i], act[i], pairs, rev, '%s[%d]' % (path, i))
            if d:
                return d
        return None
    if isinstance(exp, dict):
        if len(exp) != len(act):
            return '%s: length %d != %d' % (path, len(act), len(exp))
        keys = dict((k, k) for k in act)
        for k in exp:
            if k not in keys:
                return '%s: key %r missing' % (path, k)
            d = differs(k, keys[k], pairs, rev, '%s.key(%r)' % (path, k)) or \
                differs(exp[k], act[k], pairs, rev, '%s[%r]' % (path, k))
            if d:
                return d
        if sys.version_info >= (3, 7) and [kind(k) + repr(k) for k in exp] != [kind(k) + repr(k) for k in act]:
            return '%s: key order differs' % path
        return None
    if isinstance(exp, (set, frozenset)):
        if len(exp) != len(act):
            return '%s: length %d != %d' % (path, len(act), len(exp))
        items = dict((k, k) for k in act)
        for k in exp:
            if k not in items:
                return '%s: element %r missing' % (path, k)
            d = differs(k, items[k], pairs, rev, '%s{%r}' % (path, k))
            if d:
                return d
        return None
    if isinstance(exp, (datetime.datetime, datetime.time)):
        return _aware_differs(exp, act, path)
    return None if exp == act else '%s: %r != %r' % (path, act, exp)
