#!/usr/bin/env python3
"""Times CPython's C pickle and json on the benchmark corpus, in the unit the JMH benchmarks use.

One operation is one pass over a set (every profile pickled at protocol 4, every feed page as JSON, ...):
  loads   for b in entries: pickle.loads(b)
  dumps   for v in values:  pickle.dumps(v, protocol=p)      (values = the loaded entries)
  json    for b in entries: json.dumps(json.loads(b), sort_keys=True)
Usage: bench-cpython.py CORPUS_DIR [--seconds S] [--repeat R]
Each measurement runs R rounds of about S seconds each (timeit, gc enabled as in real code) and reports the
median round as ops/s, plus min and max, one JSON line per (bench, set).
"""
import argparse
import json
import os
import pickle
import statistics
import sys
import timeit

PICKLE_SETS = ["profile-p2", "profile-p4", "profile-p5", "feed-p2", "feed-p4", "feed-p5"]
JSON_SETS = ["profile-json", "feed-json"]


def load(corpus, s):
    kind, fmt = s.split("-", 1)
    suffix = ".json" if fmt == "json" else "." + fmt + ".pickle"
    with open(os.path.join(corpus, "index.txt")) as f:
        names = [n for n in f.read().split() if n.startswith(kind + "-") and n.endswith(suffix)]
    out = []
    for n in sorted(names):
        with open(os.path.join(corpus, n), "rb") as f:
            out.append(f.read())
    return out


def measure(fn, seconds, repeat):
    t = timeit.Timer(fn)
    number, took = t.autorange()
    number = max(1, int(number * seconds / max(took, 1e-9)))
    t.timeit(number)  # warm-up round
    rounds = [number / t.timeit(number) for _ in range(repeat)]
    return statistics.median(rounds), min(rounds), max(rounds)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    loads, dumps = pickle.loads, pickle.dumps
    jloads, jdumps = json.loads, json.dumps
    assert pickle.Unpickler.__module__ == "_pickle", "the C unpickler is not in use"
    results = []
    for s in PICKLE_SETS:
        entries = load(a.corpus, s)
        p = int(s.rsplit("-p", 1)[1])
        values = [loads(b) for b in entries]

        def do_loads(entries=entries):
            for b in entries:
                loads(b)

        def do_dumps(values=values, p=p):
            for v in values:
                dumps(v, protocol=p)

        results.append(("loads", s, measure(do_loads, a.seconds, a.repeat)))
        results.append(("dumps", s, measure(do_dumps, a.seconds, a.repeat)))
    for s in JSON_SETS:
        entries = load(a.corpus, s)

        def do_json(entries=entries):
            for b in entries:
                jdumps(jloads(b), sort_keys=True)

        results.append(("json", s, measure(do_json, a.seconds, a.repeat)))
    for bench, s, (med, lo, hi) in results:
        print(json.dumps({"bench": bench, "set": s, "ops_per_s": med, "min": lo, "max": hi,
                          "python": sys.version.split()[0]}))


if __name__ == "__main__":
    main()
