#!/usr/bin/env python3
"""Runs adversarial cases through `kubectl kustomize` (the oracle) and prints what it said.

    python3 testdata/adversarial/oracle.py CASE.txtar...

For each case: materialises its files and links under a temporary directory, runs
`kubectl kustomize` with the case's flags (10 s timeout), and prints the exit status and
output with the directory replaced by $ROOT ($ROOT in a file's text or a link's target
stands for that directory too). The expectations in the case files were
copied from this output (the comment of each case says which kubectl). Nothing is written.
"""
import os, subprocess, sys, tempfile

def sections(src):
    out = []
    for line in src.splitlines(keepends=True):
        bare = line.rstrip("\n")
        if bare.startswith("-- ") and bare.endswith(" --"):
            out.append([bare[3:-3].strip(), ""])
        elif out:
            out[-1][1] += line
    return out

def run(path, kubectl):
    secs = sections(open(path, encoding="utf-8").read())
    build, flags = "app", []
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.realpath(tmp)
        for name, body in secs:
            if name == "@build":
                build = body.strip()
            elif name == "@flags":
                for f in body.split():
                    if f == "load-restrictor=none":
                        flags.append("--load-restrictor=LoadRestrictionsNone")
                    elif f.startswith("reorder="):
                        flags.append("--reorder=" + f.split("=", 1)[1])
            elif name.startswith("@symlink "):
                at = os.path.join(root, name[len("@symlink "):].strip())
                os.makedirs(os.path.dirname(at), exist_ok=True)
                os.symlink(body.strip().replace("$ROOT", root), at)
            elif not name.startswith("@"):
                p = os.path.join(root, name)
                os.makedirs(os.path.dirname(p), exist_ok=True)
                with open(p, "w", encoding="utf-8") as f:
                    f.write(body.replace("$ROOT", root))
        try:
            r = subprocess.run([kubectl, "kustomize", *flags, os.path.join(root, build)],
                               capture_output=True, timeout=10)
            out = r.stdout.decode("utf-8", "replace").replace(root, "$ROOT")
            err = r.stderr.decode("utf-8", "replace").replace(root, "$ROOT")
            print(f"=== {path}: exit {r.returncode}")
            sys.stdout.write(out)
            if err:
                print("--- stderr")
                sys.stdout.write(err)
        except subprocess.TimeoutExpired:
            print(f"=== {path}: killed after 10 s")

if __name__ == "__main__":
    kubectl = os.environ.get("KUBECTL", "kubectl")
    for p in sys.argv[1:]:
        run(p, kubectl)
