#!/usr/bin/env python3
"""Summarises an async-profiler collapsed-stack file (event=cpu): where the CPU went, by category, plus the hottest
frames inclusive and self. Usage: ap-summary.py FILE.collapsed [PREFIX ...] (PREFIX: Java frames to list inclusive,
default io/drover/ org/apache/sshd/)."""
import collections
import sys

THREADS = [  # JVM threads, recognised anywhere on the stack
    ("JIT compiler threads", ("CompileBroker::", "C2Compiler", "Compiler::compile")),
    ("GC / VM threads", ("GCTaskThread", "VMThread::", "ConcurrentGCThread", "WorkerThread::run")),
]
LEAF_UP = [  # else the first frame from the leaf up that matches; plain JDK frames are skipped, so that
             # HashMap.get called by drover counts as drover
    ("crypto (BouncyCastle / JCA / ciphers)", ("org/bouncycastle/", "sun/security/", "com/sun/crypto/",
                                               "javax/crypto/", "org/apache/sshd/common/cipher/",
                                               "org/apache/sshd/common/mac/", "org/apache/sshd/common/digest/")),
    ("class loading / linking / interpreter", ("SystemDictionary::", "ClassFileParser", "ClassLoader::",
                                               "LinkResolver::", "InterpreterRuntime::", "Interpreter",
                                               "java/lang/ClassLoader.", "jdk/internal/loader/")),
    ("socket I/O (NIO + kernel)", ("sun/nio/ch/", "java/nio/channels/")),
    ("MINA SSHD", ("org/apache/sshd/",)),
    ("drover ssh (config, known_hosts, connection pool)", ("io/drover/ssh/",)),
    ("drover core / cli", ("io/drover/",)),
    ("picocli / jackson / slf4j", ("picocli/", "tools/jackson/", "org/slf4j/")),
]
JDK = ("java/", "jdk/", "sun/")


def category(frames, stack):
    for c, pats in THREADS:
        if any(p in stack for p in pats):
            return c
    for fr in reversed(frames):
        for c, pats in LEAF_UP:
            if any(fr.startswith(p) or (p.endswith("::") and p in fr) or p == fr for p in pats):
                return c
    if any(fr.startswith(JDK) for fr in frames):
        return "JDK only (thread pools, virtual thread scheduling, timers)"
    return "other native"


def main():
    path = sys.argv[1]
    prefixes = sys.argv[2:] or ["io/drover/", "org/apache/sshd/"]
    total = 0
    cats, incl, self_ = collections.Counter(), collections.Counter(), collections.Counter()
    kernel = 0
    with open(path) as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            n = int(count)
            total += n
            frames = stack.split(";")
            if frames[-1].endswith("_[k]"):
                kernel += n
            cat = category(frames, stack)
            cats[cat] += n
            self_[frames[-1]] += n
            for fr in set(frames):
                if any(fr.startswith(p) for p in prefixes):
                    incl[fr] += n
    print(f"{total} samples; {100 * kernel / total:.1f}% of them in the kernel (any category)")
    print("\n== by category (JVM thread kind, else the first matching frame from the leaf up)")
    for k, v in cats.most_common():
        print(f"{100 * v / total:5.1f}%  {k}")
    print("\n== inclusive, " + ", ".join(prefixes))
    for k, v in incl.most_common(45):
        print(f"{100 * v / total:5.1f}%  {k}")
    print("\n== self")
    for k, v in self_.most_common(30):
        print(f"{100 * v / total:5.1f}%  {k}")


if __name__ == "__main__":
    main()
