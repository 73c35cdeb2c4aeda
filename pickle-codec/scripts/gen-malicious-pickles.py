#!/usr/bin/env python3
"""Writes malicious pickles, made by the real interpreters, to src/test/resources/malicious/.

Run from the pickle-codec folder with any Python 3:  python3 scripts/gen-malicious-pickles.py
It re-runs itself under Python 2.7.18 and 3.13.0 (pyenv); each child pickles objects whose __reduce__ returns
a gadget (os.system, subprocess.Popen, eval, getattr, functools.partial over os.system, operator.attrgetter...)
at every protocol it supports, and adds a few hand-assembled opcode sequences (INST, OBJ, STACK_GLOBAL names
fetched through the memo, dotted names) that pickle.dumps does not produce. NOTHING IS EVER UNPICKLED here.

Index (index.tsv): file, interpreter, protocol, gadget (the dangerous global, as written), globals (all globals in
order of first reference, comma separated, found with pickletools.genops and a small simulation of the memo).
"""
from __future__ import print_function

import os
import pickle
import pickletools
import subprocess
import sys

ROOT = '/root/.pyenv/versions'
INTERPRETERS = [ROOT + '/2.7.18/bin/python', ROOT + '/3.13.0/bin/python']
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'test', 'resources', 'malicious')
PY2 = sys.version_info[0] == 2


class Gadget(object):
    def __init__(self, func, args):
        self.func = func
        self.args = args

    def __reduce__(self):
        return self.func, self.args


def generated():
    import os as _os
    import subprocess as _subprocess
    import functools
    import operator
    if PY2:
        import __builtin__ as builtins
    else:
        import builtins
    cases = [
        ('os-system', 'system', lambda: Gadget(_os.system, ('echo pwned',))),
        ('os-popen', 'popen', lambda: Gadget(_os.popen, ('echo pwned',))),
        ('subprocess-popen', 'Popen', lambda: Gadget(_subprocess.Popen, (['echo', 'pwned'],))),
        ('subprocess-check-output', 'check_output', lambda: Gadget(_subprocess.check_output, (['id'],))),
        ('eval', 'eval', lambda: Gadget(builtins.eval, ('__import__("os").system("id")',))),
        ('getattr', 'getattr', lambda: Gadget(builtins.getattr, (Gadget(builtins.__import__, ('os',)), 'system'))),
        ('import', '__import__', lambda: Gadget(builtins.__import__, ('os',))),
        ('compile', 'compile', lambda: Gadget(builtins.compile, ('1', '<x>', 'eval'))),
        ('open', 'open', lambda: Gadget(builtins.open, ('/etc/passwd',))),
        ('partial-os-system', 'partial', lambda: Gadget(functools.partial(_os.system, 'id'), ())),
        ('attrgetter', 'attrgetter', lambda: Gadget(operator.attrgetter('system'), (Gadget(builtins.__import__, ('os',)),))),
    ]
    if PY2:
        import commands
        cases.append(('commands-getoutput', 'getoutput', lambda: Gadget(commands.getoutput, ('id',))))
        cases.append(('execfile', 'execfile', lambda: Gadget(builtins.execfile, ('/tmp/x.py',))))
    else:
        cases.append(('exec', 'exec', lambda: Gadget(getattr(builtins, 'exec'), ('import os',))))
        # STACK_GLOBAL operands fetched through the memo: the pickler memoizes the module and name strings when
        # it saw the very same string objects before, then reads them back with BINGET.
        cases.append(('memo-strings-os-system', 'system',
                      lambda: [_os.system.__module__, _os.system.__name__, Gadget(_os.system, ('id',))]))
    for name, gadget, make in cases:
        for proto in range(0, pickle.HIGHEST_PROTOCOL + 1):
            try:
                data = pickle.dumps(make(), proto)
            except Exception as e:  # e.g. Python 2 cannot pickle operator.attrgetter
                sys.stderr.write('skipping %s protocol %d: %s\n' % (name, proto, e))
                continue
            yield name, proto, gadget, data


# Opcode sequences assembled by hand (as attackers do): CPython would run each of them on loads().
HAND = [
    ('inst-os-system', 0, 'system', b"(S'echo pwned'\nios\nsystem\n."),
    ('obj-os-system', 1, 'system', b"(cos\nsystem\nS'echo pwned'\no."),
    ('global-nt-system', 0, 'system', b"cnt\nsystem\n(S'echo pwned'\ntR."),
    ('global-posix-system', 2, 'system', b"\x80\x02cposix\nsystem\nU\x0becho pwned\x85R."),
    ('builtin-eval-py2-spelling', 2, 'eval', b"\x80\x02c__builtin__\neval\nU\x041+1;\x85R."),
    ('stack-global-memo', 4, 'system',
     b'\x80\x04\x8c\x02os\x94\x8c\x06system\x94N0h\x00h\x01\x93\x8c\x0aecho pwned\x85R.'),
    ('stack-global-put-get', 0, 'system', b'Vos\np0\n0Vsystem\np1\n0g0\ng1\n\x93Vecho pwned\n\x85R.'),
    ('dotted-os-path', 4, 'path.join', b'\x80\x04\x8c\x02os\x8c\x09path.join\x93\x8c\x01a\x85R.'),
    ('dotted-sys-modules', 4, '_sys.modules.get',
     b'\x80\x04\x8c\x0bcollections\x8c\x10_sys.modules.get\x93\x8c\x02os\x85R.'),
    ('dotted-builtins-dict', 4, '__dict__.get',
     b'\x80\x04\x8c\x08builtins\x8c\x0c__dict__.get\x93\x8c\x04eval\x85R.'),
    ('dotted-subclasses', 4, 'object.__subclasses__',
     b'\x80\x04\x8c\x08builtins\x8c\x15object.__subclasses__\x93)R.'),
    ('reduce-then-truncated', 0, 'system', b"cos\nsystem\n(S'echo pwned'\ntR"),
]


def globals_of(data):
    """Every global in order of first reference, by genops and a memo-aware stack of string constants."""
    found = []
    stack = []
    memo = {}
    for op, arg, _ in pickletools.genops(data):
        name = op.name
        if name in ('GLOBAL', 'INST'):
            module, attr = arg.split(' ', 1)
            g = module + '.' + attr
        elif name == 'STACK_GLOBAL':
            g = str(stack[-2]) + '.' + str(stack[-1])
            del stack[-2:]
        else:
            g = None
        if name in ('SHORT_BINUNICODE', 'BINUNICODE', 'BINUNICODE8', 'UNICODE', 'SHORT_BINSTRING', 'BINSTRING'):
            stack.append(arg)
        elif name in ('BINGET', 'LONG_BINGET', 'GET'):
            stack.append(memo.get(int(arg)))
        elif name in ('BINPUT', 'LONG_BINPUT', 'PUT'):
            memo[int(arg)] = stack[-1] if stack else None
        elif name == 'MEMOIZE':
            memo[len(memo)] = stack[-1] if stack else None
        elif name in ('POP',):
            if stack:
                stack.pop()
        elif g is None:
            stack.append(None)
        if g is not None and g not in found:
            found.append(g)
    return found


def child():
    rows = []
    tag = 'py%d%d' % sys.version_info[:2]
    items = list(generated())
    if not PY2:
        items += [(n, p, g, d) for (n, p, g, d) in HAND]
    for name, proto, gadget, data in items:
        fname = '%s-p%d-%s.pickle' % (name, proto, tag)
        with open(os.path.join(OUT, fname), 'wb') as f:
            f.write(data)
        try:
            gl = globals_of(data)
        except Exception:  # truncated on purpose: genops stops at the end
            gl = globals_of(data + b'.') if not data.endswith(b'.') else []
        hits = [g for g in gl if g.split('.', 1)[1] == gadget or g.endswith('.' + gadget)]
        if not hits:
            raise SystemExit('no %s global in %s: %s' % (gadget, fname, gl))
        rows.append('\t'.join([fname, sys.version.split()[0], str(proto), hits[0], ','.join(gl)]))
    sys.stdout.write('\n'.join(rows) + '\n')


def main():
    if len(sys.argv) > 1 and sys.argv[1] == '--child':
        child()
        return
    if not os.path.isdir(OUT):
        os.makedirs(OUT)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    rows = []
    for exe in INTERPRETERS:
        out = subprocess.check_output([exe, os.path.abspath(__file__), '--child'])
        rows += [r for r in out.decode('utf-8').splitlines() if r]
    with open(os.path.join(OUT, 'index.tsv'), 'w') as f:
        f.write('# generated by scripts/gen-malicious-pickles.py under %s; never unpickled; do not edit\n'
                % ', '.join(INTERPRETERS))
        f.write('\n'.join(rows) + '\n')
    print('%d malicious pickles written to %s' % (len(rows), OUT))


main()
