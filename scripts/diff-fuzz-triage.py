#!/usr/bin/env python3
"""diff-fuzz-triage.py - groups the findings of diff-fuzz-gen.py by cause.

Usage:
    python3 scripts/diff-fuzz-triage.py OUT_DIR/diff

Each finding directory holds krust.out and kubectl-1.32.out (first line `rc=N`, then stdout,
then `--- stderr` and the error). Findings are grouped by which tool failed and a short form
of the error (paths and line numbers removed), or `both-ok-differ`; each group is printed with
its count and up to four example directories. Stdlib only.
"""
import collections, os, re, sys

KNOWN = [  # (substring of the failing tool's error, group name)
    ("found a tab character", "tab where go-yaml expects indentation in a block scalar"),
    ("unsupported value", "json: unsupported value (.inf/.nan in a JSON 6902 target)"),
    ("doc is missing path: \"/metadata/annotations", "JSON 6902 on /metadata/annotations (kustomize's build annotations)"),
]

def group(err):
    for needle, name in KNOWN:
        if needle in err:
            return name
    err = re.sub(r"/tmp/\S+", "PATH", err)
    return re.sub(r"line \d+", "line N", err.strip())[-100:]

root = sys.argv[1]
counts, examples = collections.Counter(), {}
for d in sorted(os.listdir(root)):
    p = os.path.join(root, d)
    kr = open(os.path.join(p, "krust.out"), errors="replace").read()
    kc = open(os.path.join(p, "kubectl-1.32.out"), errors="replace").read()
    rk, rq = kr.split("\n", 1)[0], kc.split("\n", 1)[0]
    if rk == rq == "rc=0":
        g = "both-ok-differ"
    elif rq != "rc=0":
        g = "kubectl fails, krust not: " + group(kc.split("--- stderr")[-1])
    else:
        g = "krust fails, kubectl not: " + group(kr.split("--- stderr")[-1])
    counts[g] += 1
    examples.setdefault(g, []).append(d)
for g, n in counts.most_common():
    print(f"{n:6} {g}  e.g. {' '.join(examples[g][:4])}")
