#!/usr/bin/env python3
"""Writes the scan fast path's test pickles: scripts/bench-scan's profile dict (and a few variations of the shapes
PickleViewPass handles) pickled by this CPython at protocols 2, 4 and 5, into
verifier/src/test/resources/scan-profiles/<name>.p<protocol>.pickle. Usage: python3 scripts/gen-scan-profile-pickles.py
"""
import datetime
import os
import pickle
import sys

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "verifier", "src", "test", "resources",
                   "scan-profiles")
os.makedirs(out, exist_ok=True)


def profile(i):
    # exactly scripts/bench-scan's value
    return {"id": i, "name": "user %d" % i, "email": "u%d@example.com" % i, "score": i * 0.5,
            "tags": ["a", "b", "c"], "active": i % 2 == 0, "joined": datetime.datetime(2020, 1, 1, 0, 0, i % 60),
            "settings": {"theme": "dark", "lang": "en", "n": i}}


shared_tags = ["x", "y"]
shared_when = datetime.datetime(1999, 12, 31, 23, 59, 59, 999999)
values = {
    "profile-0": profile(0),
    "profile-7": profile(7),
    "profile-999999": profile(999999),
    "profile-123456789": profile(123456789),
    "scalars": {"none": None, "t": True, "f": False, "zero": 0, "neg": -1, "i8": 255, "i16": 65535,
                "i32": -2 ** 31, "big": 2 ** 63 - 1, "small": -2 ** 63, "long1": 2 ** 40,
                "floats": [0.0, -0.0, 1.5, 1e100, 5e-324, 1e16, 0.1, float("nan"), float("inf"), float("-inf")]},
    "text": {"empty": "", "quote\"back\\slash": "tab\tnl\ncr\r\x00\x1f\x7f", "non-ascii": "s\u00f8ren \u20ac \U0001F600",
             "\u00e9": 1, "e": 2, "z": 3, "~": 4},
    "bytes": {"b0": b"", "b1": b"\x00", "b2": b"\xff\xfe", "b3": b"abc", "b300": bytes(range(256)) + b"x" * 44},
    "tuples": {"t0": (), "t1": (1,), "t2": (1, "a"), "t3": (1, 2, 3), "t4": (1, 2, 3, 4), "nested": ((), ([],), {})},
    "datetimes": [datetime.datetime(1, 1, 1), datetime.datetime(9999, 12, 31, 23, 59, 59, 999999),
                  datetime.datetime(2020, 2, 29, 12, 0, 0, 1), datetime.datetime(2021, 6, 1, 0, 0, 0, 500000)],
    "shared": {"a": shared_tags, "b": shared_tags, "c": [shared_tags, (shared_tags,)], "w1": shared_when,
               "w2": shared_when},
    "many-keys": {"k%03d" % i: i for i in range(200)},
    "deep": [[[[[[[[[[{"x": [1]}]]]]]]]]]],
    "list-root": [profile(1), profile(2)],
}
for name, value in values.items():
    for protocol in (2, 4, 5):
        with open(os.path.join(out, "%s.p%d.pickle" % (name, protocol)), "wb") as f:
            f.write(pickle.dumps(value, protocol))
print("wrote %d pickles with Python %s" % (len(values) * 3, sys.version.split()[0]), file=sys.stderr)
