"""Golden pickles for PickleEncoderGoldenTest, written by the real interpreter that runs this script.

Run under each of python2.7, 3.6, 3.8 and 3.13 (any CPython works):
    for v in 2.7.18 3.6.15 3.8.18 3.13.0; do /root/.pyenv/versions/$v/bin/python scripts/gen-encoder-expectations.py; done
Writes pickle-codec/src/test/resources/encoder/<major.minor>/<case>-p<N>.pickle = pickle.dumps(value, N) for
every protocol the interpreter has (Python 2.7 skips the cases marked py3), and (from Python 3) encoder/cases.json: each case's value in the typed
notation of encoder/typed_value.py, from which the Java test rebuilds the same value.
"""
import io
import json
import os
import pickle
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RES = os.path.join(HERE, '..', 'pickle-codec', 'src', 'test', 'resources', 'encoder')
sys.path.insert(0, RES)
import typed_value  # noqa: E402


def I(n, j=None):
    node = {'t': 'int', 'v': str(n)}
    if j:
        node['j'] = j
    return node


def F(x, j=None):
    node = {'t': 'float', 'v': x if isinstance(x, str) else float.hex(x)}
    if j:
        node['j'] = j
    return node


def S(s):
    return {'t': 'str', 'v': s}


def B(hexs, t='bytes'):
    return {'t': t, 'v': hexs}


def R(node, n):
    node['n'] = n
    return node


def T(t, items):
    return {'t': t, 'v': items}


U = (lambda s: s.decode('unicode_escape')) if typed_value.PY2 else (lambda s: s.encode('latin1').decode('unicode_escape'))

CASES = []
LARGE = (4, 5)  # large values matter for framing only; other protocols are left to PickleEncoderIT


def case(name, node, protocols=None, py3=False):
    """py3: the value does not exist in Python 2.7 (datetime.timezone, pickling Ellipsis), so 2.7 skips it."""
    CASES.append((name, node, protocols, py3))


case('none', None)
case('true', True)
case('false', False)
for n in [0, 1, 255, 256, 65535, 65536, -1, -128, -129, -256, -257, 2 ** 31 - 1, 2 ** 31, -2 ** 31, -2 ** 31 - 1,
          2 ** 63 - 1, 2 ** 63, -2 ** 63, -2 ** 63 - 1, 2 ** 64, 10 ** 100, -10 ** 100, 2 ** 2030, 2 ** 2039,
          -2 ** 2039, -2 ** 2040]:
    case('int_' + str(n).replace('-', 'm')[:40], I(n))
case('int_byte', I(-7, 'byte'))
case('int_short', I(300, 'short'))
case('int_biginteger_small', I(5, 'biginteger'))
for label, x in [('zero', 0.0), ('negzero', -0.0), ('one', 1.0), ('tenth', 0.1), ('1e16', 1e16), ('1e15', 1e15),
                 ('1em4', 1e-4), ('1em5', 1e-5), ('big', 1.5e300), ('minsub', 5e-324),
                 ('minnorm', 2.2250738585072014e-308), ('inf', 'inf'), ('neginf', '-inf'), ('nan', 'nan'),
                 ('mixed', 123456789.123), ('1e22', 1e22), ('1e23', 1e23), ('third', 1.0 / 3),
                 ('neg', -2.5e-7)]:
    case('float_' + label, F(x))
case('float_from_float32', F(float.fromhex('0x1.99999ap-4'), 'float32'))
case('str_empty', S(U('')))
case('str_a', S(U('a')))
case('str_255', S(U('x') * 255))
case('str_256', S(U('x') * 256))
case('str_mixed', S(U('caf\\u00e9 \\u20ac \\U0001f600 \\u00ff')))
case('str_controls', S(U('a\\\\b\\nc\\rd\\x00e\\x1af\\tg\\x7f')))
case('str_lone_high', S(U('\\ud800')))
case('str_lone_low_inside', S(U('a\\udfffb')))
case('str_large', R(S(U('y')), 66000), LARGE)
case('bytes_empty', B(''))
case('bytes_a', B('61'))
case('bytes_all', B(''.join('%02x' % i for i in range(256))))
case('bytes_large', R(B('61'), 66000), LARGE)
case('bytearray_empty', B('', 'bytearray'))
case('bytearray_abc', B('616263ff', 'bytearray'))
case('bytearray_large', R(B('62', 'bytearray'), 66000), LARGE)
case('list_empty', T('list', []))
case('list_one', T('list', [I(1)]))
case('list_two', T('list', [I(1), S(U('a'))]))
for n in [999, 1000, 1001, 2000]:
    case('list_%d' % n, T('list', [I(i) for i in range(n)]))
case('list_strings_frames', T('list', [S(U('%05d' % i) * 10) for i in range(1400)]), LARGE)
case('list_large_then_small', T('list', [R(S(U('x')), 66000), S(U('y')), R(B('7a'), 66000), S(U('w'))]), LARGE)
case('tuple_empty', T('tuple', []))
for n in [1, 2, 3, 4]:
    case('tuple_%d' % n, T('tuple', [I(i) for i in range(n)]))
case('tuple_nested', T('tuple', [T('tuple', []), T('tuple', [T('list', [])]), S(U('x'))]))
case('dict_empty', T('dict', []))
case('dict_one', T('dict', [[I(1), None]]))
case('dict_strs', T('dict', [[S(U('a')), I(1)], [S(U('b')), T('list', [])], [S(U('c')), F(0.5)]]))
for n in [1000, 1001, 2000]:
    case('dict_%d' % n, T('dict', [[I(i), I(-i)] for i in range(n)]))
case('set_empty', T('set', []))
case('set_one', T('set', [I(1)]))
for n in [3, 1000, 2000]:
    case('set_%d' % n, T('set', [I(i) for i in range(n)]))
case('frozenset_empty', T('frozenset', []))
case('frozenset_3', T('frozenset', [I(1), I(2), I(3)]))
case('complex_j', T('complex', [F(0.0)['v'], F(1.0)['v']]))
case('complex_odd', T('complex', [F(-0.0)['v'], 'inf']))
for label, d in [('1_5', '1.5'), ('1Ep2', '1E+2'), ('0Em7', '0E-7'), ('long', '123456789012345678901234567890.5'),
                 ('neg_small', '-1.25E-10'), ('micro', '0.000001'), ('1Em7', '1E-7')]:
    case('decimal_' + label, {'t': 'decimal', 'v': d})
case('datetime', {'t': 'datetime', 'v': [2020, 1, 2, 3, 4, 5, 6]})
case('datetime_min', {'t': 'datetime', 'v': [1, 1, 1, 0, 0, 0, 0]})
case('datetime_max', {'t': 'datetime', 'v': [9999, 12, 31, 23, 59, 59, 999999]})
case('date', {'t': 'date', 'v': [2024, 2, 29]})
case('time', {'t': 'time', 'v': [23, 59, 59, 999999]})
case('time_midnight', {'t': 'time', 'v': [0, 0, 0, 0]})
case('timedelta', {'t': 'timedelta', 'v': [1, 2, 3]})
case('timedelta_neg', {'t': 'timedelta', 'v': [-1, 86399, 999999]})
case('timedelta_max', {'t': 'timedelta', 'v': [999999999, 86399, 999999]})
case('datetime_family', T('list', [{'t': 'date', 'v': [2000, 1, 1]}, {'t': 'datetime', 'v': [2000, 1, 1, 0, 0, 0, 0]},
                                   {'t': 'time', 'v': [1, 2, 3, 4]}, {'t': 'timedelta', 'v': [0, 0, 1]}]))
case('uuid_5', {'t': 'uuid', 'v': '%032x' % 5})
case('uuid_max', {'t': 'uuid', 'v': 'f' * 32})
case('uuid_v4', {'t': 'uuid', 'v': '1b4e28ba2fa1411a8c1d6e0e2cfe5fd2'})
case('uuid_pair', T('list', [{'t': 'uuid', 'v': '%032x' % 7}, {'t': 'uuid', 'v': '%032x' % 8}]))
for label, d in [('nan', 'NaN'), ('snan', 'sNaN'), ('nan_payload', 'NaN123'), ('minus_snan', '-sNaN7'),
                 ('inf', 'Infinity'), ('minus_inf', '-Infinity'), ('minus_0Em7', '-0E-7'), ('minus_0', '-0'),
                 ('minus_0_00', '-0.00')]:
    case('decimal_' + label, {'t': 'decimal', 'v': d})
case('decimal_specials_list', T('list', [{'t': 'decimal', 'v': 'NaN'}, {'t': 'decimal', 'v': '-0E+3'},
                                         {'t': 'decimal', 'v': '1.10'}]))


def AW(t, v, tz):
    return {'t': t, 'v': v, 'tz': tz}


case('datetime_utc', AW('datetime', [2018, 3, 4, 5, 6, 7, 0], 0), py3=True)
case('datetime_plus2', AW('datetime', [2018, 3, 4, 5, 6, 7, 0], 7200), py3=True)
case('datetime_minus0530_micros', AW('datetime', [2020, 1, 2, 3, 4, 5, 123456], -19800), py3=True)
case('datetime_aware_max', AW('datetime', [9999, 12, 31, 23, 59, 59, 999999], 50400), py3=True)
case('time_utc', AW('time', [1, 2, 3, 4], 0), py3=True)
case('time_minus10', AW('time', [23, 59, 59, 999999], -36000), py3=True)
for label, off in [('utc', 0), ('plus14', 50400), ('minus12', -43200), ('plus0545', 20700), ('minus1', -3600),
                   ('max', 18 * 3600), ('min', -18 * 3600)]:
    case('timezone_' + label, {'t': 'timezone', 'v': off}, py3=True)
case('aware_family_shared_tz', T('list', [AW('datetime', [2000, 1, 1, 0, 0, 0, 0], 3600), AW('time', [1, 2, 3, 4], 3600),
                                          {'t': 'timezone', 'v': 3600}, AW('datetime', [2000, 1, 1, 0, 0, 0, 0], 0),
                                          {'t': 'timezone', 'v': 0}, {'t': 'timezone', 'v': -3600}]), py3=True)
case('aware_dict_key', T('dict', [[AW('datetime', [2001, 2, 3, 4, 5, 6, 7], -7200), S(U('v'))]]), py3=True)
case('ellipsis', {'t': 'global', 'v': 'builtins.Ellipsis'}, py3=True)
case('notimplemented', {'t': 'global', 'v': 'builtins.NotImplemented'}, py3=True)
case('ellipsis_twice', T('list', [{'t': 'global', 'v': 'builtins.Ellipsis'}, {'t': 'global', 'v': 'builtins.Ellipsis'}]),
     py3=True)
case('shared_list', T('list', [{'t': 'def', 'id': 'a', 'v': T('list', [I(1)])}, {'t': 'ref', 'v': 'a'}]))
case('shared_bytes', T('list', [{'t': 'def', 'id': 'b', 'v': B('6869')}, {'t': 'ref', 'v': 'b'}, B('6869')]))
case('shared_str', T('list', [{'t': 'def', 'id': 's', 'v': S(U('hi'))}, {'t': 'ref', 'v': 's'}]))
case('cycle_list', {'t': 'def', 'id': 'c', 'v': T('list', [I(1), {'t': 'ref', 'v': 'c'}])})
case('cycle_dict', {'t': 'def', 'id': 'd', 'v': T('dict', [[S(U('self')), {'t': 'ref', 'v': 'd'}]])})
case('cycle_tuple', {'t': 'tuplecycle'})
case('nested_100', T('list', [T('list', [I(i)]) for i in range(100)]))
case('many_bytes', T('list', [B('%04x' % i) for i in range(300)]))
case('many_str_memo', T('list', [S(U('s%d' % i)) for i in range(300)]))


def write_float_reprs():
    """encoder/float-repr.txt: '<16 hex digits of the IEEE bits> <repr>' for specials and seeded random doubles."""
    import random
    import struct
    rng = random.Random(20240229)
    values = [0.0, -0.0, 5e-324, 1e-5, 1e-4, 1e15, 1e16, 1e22, 1e23, 0.1, 1.0 / 3, 2.2250738585072014e-308,
              1.7976931348623157e308, 9007199254740993.0, 123456789.123, 1e-320, 2e-323, 1.5e-323]
    values += [struct.unpack('>d', struct.pack('>Q', rng.getrandbits(64)))[0] for _ in range(3000)]
    values += [rng.uniform(-1e6, 1e6) for _ in range(1000)]
    values += [float(rng.randint(-10 ** 18, 10 ** 18)) * 10 ** rng.randint(-30, 30) for _ in range(1000)]
    values += [struct.unpack('>d', struct.pack('>Q', rng.getrandbits(12)))[0] for _ in range(200)]
    lines = []
    for v in values:
        if v != v:
            continue
        lines.append('%016x %r' % (struct.unpack('>Q', struct.pack('>d', v))[0], v))
    with io.open(os.path.join(RES, 'float-repr.txt'), 'w', encoding='ascii', newline='\n') as f:
        f.write(u'\n'.join(lines) + u'\n')


def main():
    ver = '%d.%d' % sys.version_info[:2]
    out = os.path.join(RES, ver)
    if not os.path.isdir(out):
        os.makedirs(out)
    for name, node, protocols, py3 in CASES:
        if py3 and typed_value.PY2:
            continue
        value = typed_value.build(node)
        for p in range(pickle.HIGHEST_PROTOCOL + 1):
            if protocols is not None and p not in protocols:
                continue
            data = pickle.dumps(value, p)
            with open(os.path.join(out, '%s-p%d.pickle' % (name, p)), 'wb') as f:
                f.write(data)
    if not typed_value.PY2:
        write_float_reprs()
        with io.open(os.path.join(RES, 'cases.json'), 'w', encoding='ascii', newline='\n') as f:
            f.write('[\n' + ',\n'.join(json.dumps({'name': n, 'value': v}, sort_keys=True) for n, v, _, _ in CASES)
                    + '\n]\n')
    print('%s: %d cases' % (ver, len(CASES)))


main()
