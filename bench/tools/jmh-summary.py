#!/usr/bin/env python3
"""Prints a markdown table of a JMH JSON result file (bench/jmh writes one per run).

Benchmarks whose operation is one byte (@OperationsPerInvocation of the bytes an invocation moves) also get MB/s
(10^6 bytes per second): CipherThroughput (payload bytes) and BroadcastFanOut (source stream bytes).
"""
import json
import sys

BYTE_OPS = ("CipherThroughput", "BroadcastFanOut")
FLAGS = ("-XX:", "-Xmx", "-Xms")


def row(r):
    name = r["benchmark"].replace("io.drover.bench.jmh.", "").replace("io.drover.", "")
    params = ", ".join(f"{k}={v}" for k, v in sorted((r.get("params") or {}).items()))
    flags = " ".join(a for a in r.get("jvmArgs", []) if a.startswith(FLAGS))
    m = r["primaryMetric"]
    score, err, unit = m["score"], m.get("scoreError"), m["scoreUnit"]
    if not isinstance(err, (int, float)) or err != err:  # "NaN" with fewer than 2 iterations
        err = 0.0
    derived = ""
    if any(b in name for b in BYTE_OPS) and unit == "ops/s":
        derived = f"{score / 1e6:,.1f} MB/s"
    return f"| {name} | {params} | {flags} | {fmt(score)} ± {fmt(err)} | {unit} | {derived} |"


def fmt(x):
    if x >= 1e6:
        return f"{x:.4g}"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: jmh-summary.py RESULT.json")
    with open(sys.argv[1]) as f:
        results = json.load(f)
    if not results:
        sys.exit(f"{sys.argv[1]}: no results")
    first = results[0]
    print(f"JDK {first.get('jdkVersion')} ({first.get('vmName')}); forks {first.get('forks')}, "
          f"warmup {first.get('warmupIterations')} x {first.get('warmupTime')}, "
          f"measurement {first.get('measurementIterations')} x {first.get('measurementTime')}; "
          "score ± 99.9% confidence half-width.")
    print()
    print("| benchmark | params | JVM flags | score | unit | throughput |")
    print("|---|---|---|---|---|---|")
    for r in results:
        print(row(r))


if __name__ == "__main__":
    main()
