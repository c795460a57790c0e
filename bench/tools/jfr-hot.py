#!/usr/bin/env python3
"""Summarises a JFR recording's execution samples: the hottest top frames, and for each sample the first frame in a
given package prefix (default io.drover.), so that time spent in libraries is charged to the drover code that called
them. Usage: jfr-hot.py RECORDING.jfr [PREFIX ...]   (needs `jfr` from a JDK on PATH or $JAVA_HOME/bin)."""
import collections
import json
import os
import subprocess
import sys


def main():
    rec = sys.argv[1]
    prefixes = sys.argv[2:] or ["io.drover."]
    jfr = os.path.join(os.environ["JAVA_HOME"], "bin", "jfr") if os.environ.get("JAVA_HOME") else "jfr"
    out = subprocess.run([jfr, "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample", rec],
                         capture_output=True, text=True, check=True).stdout
    events = json.loads(out)["recording"]["events"]
    top, owner, pairs, incl = collections.Counter(), collections.Counter(), collections.Counter(), collections.Counter()
    for e in events:
        frames = e["values"]["stackTrace"]["frames"] if e["values"].get("stackTrace") else []
        names = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] for f in frames]
        if not names:
            continue
        top[names[0]] += 1
        for m in set(names):
            if any(m.startswith(p) for p in prefixes) and "$$Lambda" not in m:
                incl[m] += 1
        mine = next((n for n in names if any(n.startswith(p) for p in prefixes) and "$$Lambda" not in n),
                    "(no " + "/".join(prefixes) + " frame)")
        owner[mine] += 1
        pairs[(mine, names[0])] += 1
    n = sum(top.values())
    print(f"{n} samples; {len(set(e['values']['sampledThread']['javaName'] if e['values'].get('sampledThread') else '' for e in events))} thread names")
    print("\n== top frames")
    for k, v in top.most_common(25):
        print(f"{100 * v / n:5.1f}%  {k}")
    print("\n== first frame in " + ", ".join(prefixes))
    for k, v in owner.most_common(25):
        print(f"{100 * v / n:5.1f}%  {k}")
    print("\n== inclusive (on the stack) in " + ", ".join(prefixes))
    for k, v in incl.most_common(40):
        print(f"{100 * v / n:5.1f}%  {k}")
    print("\n== (first own frame, top frame)")
    for (a, b), v in pairs.most_common(25):
        print(f"{100 * v / n:5.1f}%  {a}  <-  {b}")


if __name__ == "__main__":
    main()
