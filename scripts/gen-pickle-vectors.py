# -*- coding: utf-8 -*-
"""Golden pickle vectors for pickle-codec, written by the real CPython that runs this script.

Runs unchanged under Python 2.7 and 3.6+. Usage:

    python gen-pickle-vectors.py OUT_ROOT

writes OUT_ROOT/<major.minor>/<case>-p<protocol>.pickle for every case and every protocol this interpreter
supports, and OUT_ROOT/<major.minor>/index.jsonl, one JSON object per line:

    {"case": ..., "protocol": N, "file": ..., "py2str": "binary"|"utf8"|"ascii"|null,
     "view": <pickle JSON view under the BYTES policy>,
     "views": {"BYTES": ..., "LATIN1": ..., "UTF8": ..., "ASCII": ...}}   (Python 2 only)

The view (docs/pickle-json-view.md) is computed here, in Python, from the value that was pickled. Under
Python 3 it does not depend on the Python 2 str policy and "views" is absent. Under Python 2, "views" holds
the view for each policy that must succeed; a policy missing from "views" must fail (e.g. ASCII on a str
holding byte 0xFF). "py2str" says which kind of Python 2 str the value holds: "binary" (not UTF-8),
"utf8" (non-ASCII UTF-8), "ascii", or null (none, and always null under Python 3).

Python 2 pickles are written with cPickle (what Python 2 caches use); Python 3 ones with pickle (the C
accelerator _pickle).

gen-pickle-vectors.sh runs this script under every pyenv interpreter.
"""
from __future__ import print_function

import base64
import collections
import datetime
import decimal
import io
import json
import math
import os
import sys
import uuid

PY2 = sys.version_info[0] == 2
if PY2:
    import cPickle as pickle  # noqa: N813
    text_type = unicode  # noqa: F821
    int_types = (int, long)  # noqa: F821
    unichr_ = unichr  # noqa: F821
else:
    import pickle
    text_type = str
    int_types = (int,)
    unichr_ = chr

POLICIES = ("BYTES", "LATIN1", "UTF8", "ASCII")
BIG = 70 * 1024  # over 64 KiB: FRAME boundaries at protocol 4+, 4-byte lengths everywhere


class MustFail(Exception):
    """The value cannot be viewed under this Python 2 str policy: the decoder must reject it."""


def b64(data):
    return base64.b64encode(bytes(data)).decode("ascii")


def jobj(*pairs):
    return collections.OrderedDict(pairs)


def view(value, policy):
    """The pickle JSON view of a value, as the Java PickleJsonView must render the decoded value."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int_types):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return jobj(("$float", "nan"))
        if math.isinf(value):
            return jobj(("$float", "inf" if value > 0 else "-inf"))
        return value
    if isinstance(value, text_type):
        return value
    if PY2 and isinstance(value, str):
        return py2_str_view(value, policy)
    if not PY2 and isinstance(value, bytes):
        return jobj(("$bytes", b64(value)))
    if isinstance(value, bytearray):
        return jobj(("$bytearray", b64(value)))
    if isinstance(value, list):
        return [view(v, policy) for v in value]
    if isinstance(value, tuple):
        return jobj(("$tuple", [view(v, policy) for v in value]))
    if isinstance(value, dict):  # OrderedDict too
        pairs = [(view(k, policy), view(v, policy)) for k, v in value.items()]
        if all(isinstance(k, text_type) and not k.startswith(u"$") for k, _ in pairs):
            return collections.OrderedDict(pairs)
        return jobj(("$dict", [[k, v] for k, v in pairs]))
    if isinstance(value, frozenset):
        return jobj(("$frozenset", [view(v, policy) for v in value]))
    if isinstance(value, set):
        return jobj(("$set", [view(v, policy) for v in value]))
    if isinstance(value, complex):
        return jobj(("$complex", [view(value.real, policy), view(value.imag, policy)]))
    if isinstance(value, decimal.Decimal):
        return jobj(("$decimal", text_type(str(value))))
    if not PY2 and isinstance(value, datetime.timezone):
        return jobj(("$timezone", format_offset(value.utcoffset(None))))
    if isinstance(value, datetime.datetime):
        return jobj(("$datetime", text_type(value.isoformat())))
    if isinstance(value, datetime.date):
        return jobj(("$date", text_type(value.isoformat())))
    if isinstance(value, datetime.time):
        return jobj(("$time", text_type(value.isoformat())))
    if isinstance(value, datetime.timedelta):
        return jobj(("$timedelta", [value.days, value.seconds, value.microseconds]))
    if isinstance(value, uuid.UUID):
        return jobj(("$uuid", text_type(str(value))))
    raise TypeError("no view for %r" % (type(value),))


def format_offset(delta):
    """Python's utcoffset text, as in isoformat(): +HH:MM, then :SS when there are seconds."""
    sign = "-" if delta < datetime.timedelta(0) else "+"
    seconds = abs(delta).days * 86400 + abs(delta).seconds
    text = "%s%02d:%02d" % (sign, seconds // 3600, seconds // 60 % 60)
    if seconds % 60:
        text += ":%02d" % (seconds % 60)
    return text


def py2_str_view(value, policy):
    if policy == "BYTES":
        return jobj(("$bytes", b64(value)))
    if policy == "LATIN1":
        return value.decode("latin-1")
    try:
        if policy == "UTF8":
            text = value.decode("utf-8")
            if any(0xD800 <= ord(c) <= 0xDFFF for c in text):  # Python 2 accepts them, strict UTF-8 does not
                raise MustFail()
            return text
        return value.decode("ascii")
    except UnicodeDecodeError:
        raise MustFail()


def py2_str_kind(value):
    """binary, utf8, ascii or None: the worst kind of Python 2 str anywhere in value."""
    rank = {None: 0, "ascii": 1, "utf8": 2, "binary": 3}
    worst = [None]

    def visit(v):
        if PY2 and isinstance(v, str):
            try:
                v.decode("ascii")
                kind = "ascii"
            except UnicodeDecodeError:
                try:
                    v.decode("utf-8")
                    kind = "utf8"
                except UnicodeDecodeError:
                    kind = "binary"
            if rank[kind] > rank[worst[0]]:
                worst[0] = kind
        elif isinstance(v, (list, tuple, set, frozenset)):
            for x in v:
                visit(x)
        elif isinstance(v, dict):
            for k, x in v.items():
                visit(k)
                visit(x)

    visit(value)
    return worst[0]


def u(s):
    """Text from an escaped ASCII literal, the same under Python 2 and 3."""
    return s.encode("ascii").decode("unicode_escape") if not PY2 else s.decode("unicode_escape")


def cases():
    """(name, value, big) triples; big cases are written at the highest protocol only, to keep the files small."""
    out = []
    ints = [
        ("int-zero", 0), ("int-one", 1), ("int-minus-one", -1), ("int-255", 255), ("int-256", 256),
        ("int-65535", 65535), ("int-65536", 65536), ("int-2p31-minus-1", 2 ** 31 - 1),
        ("int-minus-2p31", -2 ** 31), ("int-2p31", 2 ** 31), ("int-2p63-minus-1", 2 ** 63 - 1),
        ("int-minus-2p63", -2 ** 63), ("int-2p64", 2 ** 64), ("int-2p1000", 2 ** 1000),
        ("int-minus-3p500", -(3 ** 500)),
    ]
    out += [(n, v, False) for n, v in ints]
    out += [("bool-true", True, False), ("bool-false", False, False), ("none", None, False)]
    floats = [
        ("float-zero", 0.0), ("float-minus-zero", -0.0), ("float-1.5", 1.5), ("float-1e16", 1e16),
        ("float-1e-5", 1e-5), ("float-min-subnormal", 5e-324), ("float-min-normal", 2.2250738585072014e-308),
        ("float-max", 1.7976931348623157e308), ("float-nan", float("nan")), ("float-inf", float("inf")),
        ("float-minus-inf", float("-inf")), ("float-0.1", 0.1), ("float-one-third", 1.0 / 3),
    ]
    out += [(n, v, False) for n, v in floats]
    out += [
        ("text-empty", u(""), False),
        ("text-ascii", u("hello, world"), False),
        ("text-latin1", u("caf\\xe9 \\xff\\xa0"), False),
        ("text-cjk", u("\\u4e2d\\u6587\\u5b57"), False),
        ("text-emoji", u("smile \\U0001f600!"), False),
        ("text-lone-surrogate", u("a\\ud800b"), False),
        ("text-backslash-newline", u("a\\\\b\\nc\\rd\\x00"), False),
    ]
    binary = b"\x00\xff\x80abc\n\\'\""
    utf8_text = u("caf\\xe9 \\u4e2d").encode("utf-8")
    if PY2:
        out += [
            ("py2-str-ascii", "plain ascii", False),
            ("py2-str-binary", binary, False),
            ("py2-str-utf8", utf8_text, False),
            ("py2-str-empty", "", False),
            ("py2-str-in-list", [binary, u("text")], False),
            ("py2-str-dict-keys", {"alpha": 1, "beta": "two"}, False),
            ("py2-unicode-dict-keys", {u("alpha"): 1, u("beta"): u("two")}, False),
        ]
    else:
        out += [
            ("bytes-empty", b"", False),
            ("bytes-binary", binary, False),
            ("bytes-utf8", utf8_text, False),
            ("bytes-in-list", [binary, u("text")], False),
        ]
    shared = [1, 2]
    out += [
        ("list-empty", [], False),
        ("tuple-empty", (), False),
        ("dict-empty", {}, False),
        ("nested", {u("a"): [1, (2, 3), {u("b"): None}], u("c"): ({u("d"): [True, 1.5]},)}, False),
        ("tuple-sizes", [(1,), (1, 2), (1, 2, 3), (1, 2, 3, 4)], False),
        ("dict-int-keys", {1: u("one"), 2: u("two")}, False),
        ("dict-tuple-keys", {(1, 2): u("a"), (3,): u("b")}, False),
        ("dict-dollar-key", {u("$x"): 1, u("y"): 2}, False),
        ("shared-references", [shared, shared], False),
        ("list-2000", list(range(2000)), False),
        ("dict-2000", collections.OrderedDict((u("k%d" % i), i) for i in range(2000)), False),
        ("set", set([1, 2, 3]), False),
        ("set-empty", set(), False),
        ("frozenset", frozenset([u("a")]), False),
        ("frozenset-empty", frozenset(), False),
        ("bytearray", bytearray(b"\x00\xffab"), False),
        ("bytearray-empty", bytearray(), False),
        ("complex", complex(1.5, -2.0), False),
        ("decimal", decimal.Decimal("1.10"), False),
        ("decimal-minus-zero", decimal.Decimal("-0E-7"), False),
        ("decimal-exponent", decimal.Decimal("1E+3"), False),
        ("decimal-long", decimal.Decimal("-123456789012345678901234567890.0123"), False),
        ("decimal-nan", decimal.Decimal("NaN"), False),
        ("decimal-minus-infinity", decimal.Decimal("-Infinity"), False),
        ("datetime", datetime.datetime(2018, 3, 4, 5, 6, 7), False),
        ("datetime-micros", datetime.datetime(2018, 3, 4, 5, 6, 7, 891011), False),
        ("datetime-year-1", datetime.datetime(1, 1, 1), False),
        ("date", datetime.date(2018, 3, 4), False),
        ("time", datetime.time(5, 6, 7), False),
        ("time-micros", datetime.time(23, 59, 59, 999999), False),
        ("timedelta", datetime.timedelta(days=1, seconds=2, microseconds=3), False),
        ("timedelta-negative", datetime.timedelta(microseconds=-1), False),
        ("timedelta-big-negative", datetime.timedelta(days=-999999999), False),
        ("ordereddict", collections.OrderedDict([(u("z"), 1), (u("a"), 2)]), False),
        ("uuid", uuid.UUID("12345678-1234-5678-1234-567812345678"), False),
        ("uuid-shared", [uuid.UUID(int=1)] * 2, False),
        ("text-big", u("\\xe9\\u4e2d") * 50 + u("x") * BIG, True),
        ("bytearray-big", bytearray(b"\xab" * BIG), True),
    ]
    if not PY2:
        utc = datetime.timezone.utc
        india = datetime.timezone(datetime.timedelta(hours=5, minutes=30), u("IST"))
        west = datetime.timezone(-datetime.timedelta(hours=3, minutes=15))  # whole minutes: 3.6
        out += [
            ("datetime-utc", datetime.datetime(2018, 3, 4, 5, 6, 7, tzinfo=utc), False),
            ("datetime-offset-micros", datetime.datetime(2018, 3, 4, 5, 6, 7, 891011, tzinfo=india), False),
            ("time-negative-offset", datetime.time(5, 6, 7, tzinfo=west), False),
            ("timezone", india, False),
        ]
        out.append(("bytes-big", b"\x01" * BIG, True))
    else:
        out.append(("py2-str-big", "\x01\xff" + "A" * BIG, True))
    return out


def main():
    if len(sys.argv) != 2:
        print("usage: gen-pickle-vectors.py OUT_ROOT", file=sys.stderr)
        return 2
    version = "%d.%d" % sys.version_info[:2]
    out_dir = os.path.join(sys.argv[1], version)
    if not os.path.isdir(out_dir):
        os.makedirs(out_dir)
    highest = pickle.HIGHEST_PROTOCOL
    big_protocols = (highest,)
    lines = []
    for name, value, big in cases():
        kind = py2_str_kind(value)
        views = collections.OrderedDict()
        for policy in POLICIES:
            try:
                views[policy] = view(value, policy)
            except MustFail:
                pass
        for protocol in range(0, highest + 1):
            if big and protocol not in big_protocols:
                continue
            data = pickle.dumps(value, protocol)
            if PY2:
                assert pickle.loads(data) == value or value != value
            file_name = "%s-p%d.pickle" % (name, protocol)
            with open(os.path.join(out_dir, file_name), "wb") as f:
                f.write(data)
            entry = collections.OrderedDict()
            entry["case"] = name
            entry["protocol"] = protocol
            entry["file"] = file_name
            entry["py2str"] = kind
            entry["view"] = views["BYTES"]
            if PY2:
                entry["views"] = views
            lines.append(json.dumps(entry, ensure_ascii=True, allow_nan=False, separators=(",", ":")))
    with io.open(os.path.join(out_dir, "index.jsonl"), "w", encoding="ascii", newline="\n") as f:
        for line in lines:
            f.write(text_type(line) + u"\n")
    print("%s: %d vectors in %s" % (sys.version.split()[0], len(lines), out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
