#!/usr/bin/env python3
"""Merges JMH results (-rf json), CPython timings and graph sizes into one table of ratios against the targets.

Usage: bench-report.py JMH_JSON[,JMH_JSON...] CPYTHON_JSONL GRAPH_JSONL [--load TEXT]
One op is one pass over a corpus set on both sides (see bench/src/main/java/dev/cachecompat/bench/Corpus.java).
"""
import argparse
import json
import os
import platform


def read_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("jmh")
    ap.add_argument("cpython")
    ap.add_argument("graph")
    ap.add_argument("--load", default="")
    a = ap.parse_args()
    jmh = []
    for path in a.jmh.split(","):  # several JMH result files may be merged: a.json,b.json
        with open(path) as f:
            jmh += json.load(f)
    java, err, alloc, paired = {}, {}, {}, {}
    for r in jmh:
        name = r["benchmark"].rsplit(".", 2)
        params = r.get("params", {})
        key = (name[-2] + "." + name[-1], params.get("set") or params.get("value", "-"))
        java[key] = r["primaryMetric"]["score"]
        try:
            err[key] = float(r["primaryMetric"].get("scoreError", "nan"))
        except (TypeError, ValueError):
            err[key] = float("nan")
        secondary = r.get("secondaryMetrics", {})
        sec = secondary.get("gc.alloc.rate.norm")
        if sec:
            alloc[key] = sec["score"]
        if name[-1].endswith("Paired"):  # NamespaceBench's paired twins: time in each side, same load
            clock = {m: secondary[m]["score"] for m in
                     ("namespacedNanos", "bareNanos", "namespacedStallNanos", "bareStallNanos") if m in secondary}
            if len(clock) == 4 and clock["namespacedNanos"] > 0:
                paired[key] = clock
    py = {(r["bench"], r["set"]): r["ops_per_s"] for r in read_jsonl(a.cpython)}
    graph = {r["set"]: r["graph_bytes_per_pass"] for r in read_jsonl(a.graph)}

    rows = []  # (target, set, java, java_err, ref_name, ref, goal)

    def add(target, bench, s, ref_name, ref, goal):
        if (bench, s) in java:
            rows.append((target, s, java[(bench, s)], err[(bench, s)], ref_name, ref, goal))

    pickle_sets = ["profile-p2", "profile-p4", "profile-p5", "feed-p2", "feed-p4", "feed-p5"]
    for s in pickle_sets:
        add("validated decode", "PickleBench.decode", s, "pickle.loads", py.get(("loads", s)), 1.0)
    for s in pickle_sets:
        add("inspect alone", "PickleBench.inspect", s, "pickle.loads", py.get(("loads", s)), 5.0)
    for s in ["feed-p2", "feed-p4", "feed-p5"]:
        add("stack-less floor", "StacklessBench.walk", s, "pickle.loads", py.get(("loads", s)), None)
    for s in pickle_sets:
        add("Pyrolite bare loads", "PickleBench.pyroliteBare", s, "pickle.loads", py.get(("loads", s)), None)
    for s in pickle_sets:
        add("encode", "PickleBench.encode", s, "pickle.dumps", py.get(("dumps", s)), 1.0)
    for s in ["profile-json", "feed-json"]:
        add("canonical JSON", "JsonBench.canonicalize", s, "json C", py.get(("json", s)), 3.0)
        add("canonical JSON", "JsonBench.canonicalize", s, "Jackson sorted",
            java.get(("JsonBench.jacksonSorted", s)), 1.0)
        add("Jackson sorted", "JsonBench.jacksonSorted", s, "json C", py.get(("json", s)), None)
    for (bench, s) in sorted(java):
        if bench.startswith("NamespaceBench.") and not bench.endswith(("Bare", "Paired")):
            add("namespaced " + bench.split(".")[1], bench, s, "bare client",
                java.get((bench + "Bare", s)), 0.95)

    print("cachecompat benchmarks: one op = one pass over a corpus set (12 entries); ops/s, higher is better")
    print("machine: %s, %d cores; load average %s" % (platform.machine(), os.cpu_count(), a.load))
    hdr = "%-22s %-13s %12s %9s  %-15s %12s %7s %6s %s" % (
        "target", "set", "java ops/s", "+-99.9%", "reference", "ref ops/s", "ratio", "goal", "")
    print(hdr)
    print("-" * len(hdr))
    for target, s, j, e, ref_name, ref, goal in rows:
        ratio = j / ref if ref else None
        verdict = ""
        if ratio is not None and goal is not None:
            verdict = "ok" if ratio >= goal else "MISS"
        print("%-22s %-13s %12.0f %9.0f  %-15s %12s %7s %6s %s" % (
            target, s, j, e, ref_name, "%.0f" % ref if ref else "-", "%.2fx" % ratio if ratio else "-",
            ">=%.2gx" % goal if goal else "", verdict))
    if paired:
        print()
        print("namespaced vs bare, paired (each op does one of each, alternating first): bare time / namespaced time;")
        print("a stall is an op over 1 ms (descheduling, GC), counted on both sides")
        print("%-30s %-8s %10s %16s %6s" % ("benchmark", "value", "ratio", "without stalls", "goal"))
        for (bench, s), c in sorted(paired.items()):
            ratio = c["bareNanos"] / c["namespacedNanos"]
            calm_ns = c["namespacedNanos"] - c["namespacedStallNanos"]
            calm = (c["bareNanos"] - c["bareStallNanos"]) / calm_ns if calm_ns > 0 else None
            print("%-30s %-8s %9.3fx %16s %6s %s" % (
                bench, s, ratio, "%.3fx" % calm if calm else "-", ">=0.95x", "ok" if ratio >= 0.95 else "MISS"))
    if alloc:
        print()
        print("allocation per pass (JMH -prof gc, gc.alloc.rate.norm) vs retained decoded graph (GraphSize)")
        print("%-13s %14s %14s %7s %6s" % ("set", "alloc B/pass", "graph B/pass", "ratio", "goal"))
        for s in pickle_sets:
            k = ("PickleBench.decode", s)
            if k in alloc:
                g = graph.get(s)
                ratio = alloc[k] / g if g else None
                print("%-13s %14.0f %14s %7s %6s %s" % (
                    s, alloc[k], g if g else "-", "%.2fx" % ratio if ratio else "-", "<=2x",
                    "" if ratio is None else ("ok" if ratio <= 2.0 else "MISS")))
        for bench in ("PickleBench.inspect", "PickleBench.pyroliteBare"):
            vals = ["%s %.0f" % (s, alloc[(bench, s)]) for s in pickle_sets if (bench, s) in alloc]
            if vals:
                print("%s alloc B/pass: %s" % (bench, ", ".join(vals)))


if __name__ == "__main__":
    main()
