# PickleEncoderIT's harness for library types the decoder maps to plain Java values or PyObject (Python 3 only).
#   produce: writes, for every value below and every protocol this interpreter has, a record of two big-endian
#            length-prefixed fields: "<name> p<N>" and pickle.dumps(value, N)
#   check:   reads records (name, pickle) from stdin, where name starts with "<name> ", loads each pickle and
#            writes "<record name>\tOK" when it equals EXPECTED[name] (same type, ==, same key order), else
#            "<record name>\tDIFF ..." or "<record name>\tERROR ..."
import collections
import datetime
import decimal
import fractions
import pickle
import struct
import sys
import uuid

EST = datetime.timezone(datetime.timedelta(hours=-5), 'EST')

# name: (value pickled by CPython, the value the decoder's Java value must load back as)
VALUES = {
    'range': (range(0, 10, 2), range(0, 10, 2)),
    'slice': (slice(1, None, -2), slice(1, None, -2)),
    'fraction': (fractions.Fraction(-1, 3), fractions.Fraction(-1, 3)),
    'ellipsis': (Ellipsis, Ellipsis),
    'notimplemented': ([NotImplemented, NotImplemented], [NotImplemented, NotImplemented]),
    'ordereddict': (collections.OrderedDict([('b', 1), ('a', [2])]), {'b': 1, 'a': [2]}),
    'counter': (collections.Counter('abracadabra'), dict(collections.Counter('abracadabra'))),
    'defaultdict': (collections.defaultdict(list, {'k': [1, 2]}), {'k': [1, 2]}),
    'deque': (collections.deque([1, 'two', 3.0], maxlen=5), [1, 'two', 3.0]),
    'named-timezone': (EST, datetime.timezone(datetime.timedelta(hours=-5))),
    'datetime-named-timezone': (datetime.datetime(2001, 2, 3, 4, 5, 6, 7, tzinfo=EST),
                                datetime.datetime(2001, 2, 3, 4, 5, 6, 7,
                                                  tzinfo=datetime.timezone(datetime.timedelta(hours=-5)))),
    'timezone-utc': (datetime.timezone.utc, datetime.timezone.utc),
    'decimal-specials': ([decimal.Decimal(s) for s in ('NaN', '-sNaN12', '-Infinity', '-0E-7', '-0')],
                         [decimal.Decimal(s) for s in ('NaN', '-sNaN12', '-Infinity', '-0E-7', '-0')]),
}
if hasattr(uuid, 'SafeUUID'):
    VALUES['uuid-safe'] = (uuid.UUID(int=5, is_safe=uuid.SafeUUID.safe), uuid.UUID(int=5))


def same(exp, act):
    if type(exp) is not type(act):
        return 'type %s != %s' % (type(act).__name__, type(exp).__name__)
    if isinstance(exp, decimal.Decimal):
        return None if str(exp) == str(act) else '%s != %s' % (act, exp)
    if isinstance(exp, (list, tuple)):
        if len(exp) != len(act):
            return 'length %d != %d' % (len(act), len(exp))
        for e, a in zip(exp, act):
            d = same(e, a)
            if d:
                return d
        return None
    if isinstance(exp, dict):
        if list(exp) != list(act):
            return 'keys %r != %r' % (list(act), list(exp))
        for k in exp:
            d = same(exp[k], act[k])
            if d:
                return d
        return None
    if isinstance(exp, (datetime.datetime, datetime.time)):
        if exp.replace(tzinfo=None) != act.replace(tzinfo=None) or exp.utcoffset() != act.utcoffset():
            return '%r != %r' % (act, exp)
        return same(exp.tzinfo, act.tzinfo)
    return None if exp == act else '%r != %r' % (act, exp)


def take(data, pos):
    n = struct.unpack('>I', data[pos:pos + 4])[0]
    return data[pos + 4:pos + 4 + n], pos + 4 + n


def field(out, b):
    out.append(struct.pack('>I', len(b)) + b)


if sys.argv[1] == 'produce':
    out = []
    for name, (value, _) in VALUES.items():
        for p in range(pickle.HIGHEST_PROTOCOL + 1):
            field(out, ('%s p%d' % (name, p)).encode('ascii'))
            field(out, pickle.dumps(value, p))
    sys.stdout.buffer.write(b''.join(out))
else:
    data = sys.stdin.buffer.read()
    pos = 0
    lines = []
    while pos < len(data):
        record, pos = take(data, pos)
        blob, pos = take(data, pos)
        record = record.decode('ascii')
        try:
            d = same(VALUES[record.split(' ')[0]][1], pickle.loads(blob))
            lines.append('%s\t%s' % (record, 'OK' if d is None else 'DIFF ' + d))
        except Exception as e:
            lines.append('%s\tERROR %s: %s' % (record, type(e).__name__, str(e)[:200]))
    sys.stdout.write('\n'.join(lines) + '\n')
