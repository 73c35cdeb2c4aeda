#!/usr/bin/env python3
"""Writes the benchmark corpus: realistic cache entries as pickles (protocols 2, 4, 5) and as JSON.

Run with CPython 3.13: /root/.pyenv/versions/3.13.0/bin/python scripts/gen-bench-corpus.py
Output: bench/src/main/resources/corpus/{profile,feed}-NN.{p2,p4,p5}.pickle and {profile,feed}-NN.json,
plus index.txt listing every file. Deterministic (fixed seed), so the committed files are reproducible.

Entries:
- profile: a user profile dict of 16-18 fields (ints, str with some non-ASCII, float, bool, None, a list of
  tags, a nested dict of settings); every other profile also carries datetimes (pickles only: JSON gets
  their isoformat strings, as a real producer would have to).
- feed: a page of 20 feed items (dicts with id, author sub-dict, text, counts, score, tags, flags) plus
  paging fields.
JSON is written with json.dumps() without sort_keys, like a real producer.
"""
import datetime
import json
import os
import pickle
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "bench", "src", "main", "resources", "corpus")
PROFILES = 12
FEEDS = 12
PROTOCOLS = (2, 4, 5)

rng = random.Random(20261122)
WORDS = ("cache redis memcached python java pickle json worker queue shard replica lease ttl key value "
         "namespace version migrate deploy canary rollback metrics latency throughput").split()
NAMES = ["Alice", "Bob", "Chloé", "Dmitri", "Eve", "François", "Grace", "Hiroshi", "Ingrid", "José",
         "Kwame", "Łukasz", "Mei", "Nadia", "Oskar", "Priya", "Quinn", "Rafał", "Søren", "Tomás"]
LANGS = ["en", "fr", "de", "pl", "ja", "es", "pt-BR"]
BASE = datetime.datetime(2026, 1, 1, 0, 0, 0)


def words(n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def profile(i, with_datetimes):
    name = rng.choice(NAMES)
    p = {
        "id": 100000 + i * 7919,
        "username": "%s_%d" % (name.lower(), rng.randrange(1000)),
        "display_name": "%s %s" % (name, rng.choice(NAMES)),
        "email": "%s%d@example.com" % (name.lower(), i),
        "age": rng.randrange(18, 90),
        "karma": rng.randrange(-50, 2_000_000),
        "balance": round(rng.uniform(-100, 10000), 2),
        "rating": rng.random() * 5,
        "verified": rng.random() < 0.5,
        "premium": rng.random() < 0.2,
        "bio": words(rng.randrange(5, 25)) if rng.random() < 0.8 else None,
        "avatar_url": "https://cdn.example.com/a/%08x.png" % rng.getrandbits(32),
        "tags": [rng.choice(WORDS) for _ in range(rng.randrange(2, 8))],
        "followers": rng.randrange(0, 100000),
        "settings": {
            "theme": rng.choice(["light", "dark", "system"]),
            "language": rng.choice(LANGS),
            "notifications": {"email": rng.random() < 0.5, "push": rng.random() < 0.5, "digest": "weekly"},
            "timezone_offset": rng.choice([-480, -300, 0, 60, 120, 330, 540]),
            "beta_features": [rng.choice(WORDS) for _ in range(rng.randrange(0, 4))],
        },
        "last_login_ip": None,
    }
    if with_datetimes:
        p["created_at"] = BASE - datetime.timedelta(days=rng.randrange(2000), seconds=rng.randrange(86400))
        p["last_seen"] = BASE + datetime.timedelta(seconds=rng.randrange(86400 * 30))
    return p


def feed(i):
    items = []
    for k in range(20):
        items.append({
            "id": 5_000_000 + i * 1000 + k,
            "author": {"id": rng.randrange(1, 10**6), "name": rng.choice(NAMES), "verified": rng.random() < 0.1},
            "text": words(rng.randrange(8, 40)),
            "likes": rng.randrange(0, 50000),
            "reposts": rng.randrange(0, 5000),
            "score": rng.random() * 100,
            "tags": [rng.choice(WORDS) for _ in range(rng.randrange(0, 5))],
            "pinned": False,
            "media": None if rng.random() < 0.7 else {"kind": "image", "w": 1280, "h": 720},
            "ts": 1_760_000_000 + rng.randrange(10**7),
        })
    return {"page": i, "per_page": 20, "has_more": i < FEEDS - 1, "cursor": "c%016x" % rng.getrandbits(64),
            "items": items}


def jsonable(v):
    if isinstance(v, datetime.datetime):
        return v.isoformat()
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [jsonable(x) for x in v]
    return v


def main():
    if sys.version_info[:2] != (3, 13):
        sys.exit("run with CPython 3.13 (/root/.pyenv/versions/3.13.0/bin/python)")
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    entries = [("profile-%02d" % i, profile(i, i % 2 == 1)) for i in range(PROFILES)]
    entries += [("feed-%02d" % i, feed(i)) for i in range(FEEDS)]
    names = []
    for stem, value in entries:
        for p in PROTOCOLS:
            name = "%s.p%d.pickle" % (stem, p)
            with open(os.path.join(OUT, name), "wb") as f:
                f.write(pickle.dumps(value, protocol=p))
            names.append(name)
        name = stem + ".json"
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(json.dumps(jsonable(value)).encode("ascii"))
        names.append(name)
    with open(os.path.join(OUT, "index.txt"), "w") as f:
        f.write("\n".join(sorted(names)) + "\n")


if __name__ == "__main__":
    main()
