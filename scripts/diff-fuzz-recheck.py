#!/usr/bin/env python3
"""diff-fuzz-recheck.py - checks a krust binary against recorded kubectl results.

Usage:
    python3 scripts/diff-fuzz-recheck.py KRUST [--save DIR] CORPUS.jsonl...

Each line of a corpus file (written by scripts/diff-fuzz-gen.py) holds one generated build:
its input tree and the results (rc, stdout, stderr tail) of `kubectl kustomize` v1.32
(kustomize v5.5.0) and kubectl 1.35 (kustomize v5.7.1). The tree is written to a temporary
directory and built with KRUST; the comparison is diff-fuzz-gen.py's: where the two kubectls
agree krust must too (same success, same bytes on success), where they differ it is a
version difference (krust is compared with 1.35 and counted apart). Prints the counts and
every difference (with --save, each differing build is written under DIR/diff/ID/ with
krust.out and the kubectl outputs, the layout diff-fuzz-triage.py reads). Stdlib only.
"""
import json, os, shutil, subprocess, sys, tempfile

args = sys.argv[1:]
krust = args.pop(0)
save = None
if args and args[0] == "--save":
    args.pop(0)
    save = args.pop(0)
counts = {"builds": 0, "agree": 0, "both-fail": 0, "version": 0, "version-krust-differs": 0, "diff": 0, "krust-crash": 0}
diffs = []
for path in args:
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        for line in fh:
            rec = json.loads(line)
            work = tempfile.mkdtemp(prefix="dfr.")
            root = os.path.join(work, "t")
            for rel, text in rec["files"].items():
                full = os.path.join(root, rel)
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "w", encoding="utf-8", errors="surrogateescape") as f:
                    f.write(text)
            try:
                p = subprocess.run([krust, "build", root], capture_output=True, timeout=60)
                kr = [p.returncode, p.stdout.decode("utf-8", "surrogateescape"), p.stderr.decode("utf-8", "surrogateescape")]
            except subprocess.TimeoutExpired:
                kr = ["TIMEOUT", "", ""]
            a, b = rec["kubectl-1.32"], rec["kubectl-1.35"]
            ok = lambda r: r[0] == 0
            same = lambda x, y: ok(x) == ok(y) and (not ok(x) or x[1] == y[1])
            counts["builds"] += 1
            bad = False
            if not isinstance(kr[0], int) or kr[0] not in (0, 1):
                counts["krust-crash"] += 1
                bad = True
            elif not same(a, b):
                counts["version"] += 1
                if not same(kr, b):
                    counts["version-krust-differs"] += 1
                    bad = True
            elif same(kr, a):
                counts["agree" if ok(a) else "both-fail"] += 1
            else:
                counts["diff"] += 1
                bad = True
            if bad:
                diffs.append(rec["id"])
                print(f"DIFF {rec['id']}: krust rc={kr[0]} kubectl-1.32 rc={a[0]} 1.35 rc={b[0]} krust-err={kr[2][-200:]!r} kubectl-err={a[2][-200:]!r}", flush=True)
                if save:
                    d = os.path.join(save, "diff", rec["id"])
                    shutil.rmtree(d, ignore_errors=True)
                    shutil.copytree(root, os.path.join(d, "input"))
                    for name, r in (("krust", kr), ("kubectl-1.32", a), ("kubectl-1.35", b)):
                        with open(os.path.join(d, name + ".out"), "w", encoding="utf-8", errors="surrogateescape") as f:
                            f.write(f"rc={r[0]}\n{r[1]}\n--- stderr\n{r[2][-3000:]}")
            shutil.rmtree(work, ignore_errors=True)
print(f"recheck {krust}: {counts}", flush=True)
