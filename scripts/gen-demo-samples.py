# Writes the sample payloads bundled for `./cachecompat demo`, as real Python workers write them.
# Runs under Python 2.7 and 3.x; scripts/gen-demo-samples.sh runs it under each interpreter.
# Usage: python gen-demo-samples.py OUTDIR
import datetime
import decimal
import json
import os
import pickle
import sys

PY2 = sys.version_info[0] == 2
tag = "py%d%d" % sys.version_info[:2]
out = sys.argv[1]


def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


profile = {
    "id": 4217,
    "name": u"Zo\u00eb Bront\u00eb",
    "email": "zoe@example.com",
    "followers": 1234567,
    "score": 0.875,
    "tags": set([u"tea", u"trains"]),
    "joined": datetime.datetime(2014, 3, 4, 5, 6, 7, 891011),
    "balance": decimal.Decimal("12.50"),
    "avatar": b"\x89PNG\r\n\x1a\n",
}
feed = [{"post": i, "likes": i * 7, "text": u"post number %d \U0001F600" % i} for i in range(20)]

if PY2:
    for p in (0, 2):
        write("%s-profile-p%d.pickle" % (tag, p), pickle.dumps(profile, p))
    write("%s-feed-p2.pickle" % tag, pickle.dumps(feed, 2))
    # Python 2's dict order and no sort_keys: what an old worker wrote before the fleet agreed on sort_keys.
    write("%s-profile-unsorted.json" % tag,
          json.dumps({"id": 4217, "name": u"Zo\u00eb", "score": 0.875, "tags": ["tea", "trains"],
                      "zone": "eu", "active": True}).encode("utf-8"))
else:
    write("%s-profile-p2.pickle" % tag, pickle.dumps(profile, 2))
    write("%s-profile-p5.pickle" % tag, pickle.dumps(profile, 5))
    write("%s-feed-p4.pickle" % tag, pickle.dumps(feed, 4))
    # fix_imports=False names builtins.set: protocol 2, yet Python 2.7 cannot load it.
    write("%s-profile-p2-nofix.pickle" % tag, pickle.dumps(profile, 2, fix_imports=False))
    # A truncated write (the worker died mid-set).
    whole = pickle.dumps(feed, 4)
    write("%s-feed-truncated.pickle" % tag, whole[: len(whole) // 2])

    class Evil(object):
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    # Never loaded: it is written only to be refused.
    write("%s-evil-os-system.pickle" % tag, pickle.dumps(Evil(), 2))
    write("%s-profile-canonical.json" % tag,
          json.dumps({"id": 4217, "name": u"Zo\u00eb", "score": 0.875, "tags": ["tea", "trains"],
                      "zone": "eu", "active": True}, sort_keys=True).encode("utf-8"))
