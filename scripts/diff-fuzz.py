#!/usr/bin/env python3
"""diff-fuzz.py - mutation fuzzing of krust against kubectl on one tenant of a gen_fleet.py fleet.

Usage:
    [DIFF=1] [TENANT=billing-00001] [ONLY=substring-of-path] python3 scripts/diff-fuzz.py KRUST FLEET_DIR ITERATIONS [SEED] [OUT_DIR]

Copies FLEET_DIR to a temp dir, then ITERATIONS times mutates one file of the tenant (its staging
overlay, its base, or a component: inserted YAML tokens, deleted spans, duplicated lines), builds
tenants/staging/TENANT with krust, and restores the file. It reports every krust panic (exit
101), signal or timeout. With DIFF=1 it also runs `kubectl kustomize` and reports every case
where exactly one tool fails or both succeed with different output. Each finding's mutated file
is saved under OUT_DIR (default: a temp dir) with both outputs. Stdlib only.
"""
import os, random, shutil, subprocess, sys, tempfile
krust, fleet, iters = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
outroot = sys.argv[5] if len(sys.argv) > 5 else tempfile.mkdtemp(prefix="diff-fuzz-out.")
work = tempfile.mkdtemp(prefix="diff-fuzz-work.") + "/fleet"
shutil.copytree(fleet, work)
tenant = os.environ.get("TENANT", "billing-00001")
targets = []
for root in [f"{work}/tenants/staging/{tenant}", f"{work}/tenants/base/{tenant}", f"{work}/components"]:
    for dp, dn, fn in os.walk(root):
        targets += [os.path.join(dp, f) for f in fn if f.endswith((".yaml", ".env"))
                    and os.environ.get("ONLY", "") in os.path.join(dp, f)[len(work):]]
if not targets:
    sys.exit(f"diff-fuzz: no files of tenant {tenant} match ONLY={os.environ.get('ONLY', '')!r}")
TOK = ["- ", ": ", "\n", "  ", "[", "]", "{", "}", "&a ", "*a", "<<: *a", "!!int ", "'", '"', "|", ">", "---\n", "$patch: delete", "~", "null", ".nan", "0x", "-1", "\t", "#", "?", "%YAML 1.2\n", "\\", "=", "[name=x]", "\u2028", "\ufeff", "\x00"]
bad = 0
for it in range(iters):
    path = rng.choice(targets)
    orig = open(path, encoding="utf-8").read()
    s = orig
    for _ in range(rng.randint(1, 4)):
        op = rng.random()
        i = rng.randrange(len(s) + 1)
        if op < 0.4:
            s = s[:i] + rng.choice(TOK) + s[i:]
        elif op < 0.7:
            j = min(len(s), i + rng.randint(1, 20)); s = s[:i] + s[j:]
        else:
            lines = s.split("\n"); k = rng.randrange(len(lines)); lines.insert(rng.randrange(len(lines)+1), lines[k]); s = "\n".join(lines)
    open(path, "w", encoding="utf-8", errors="surrogatepass").write(s)
    try:
        p = subprocess.run([krust, "build", "--reorder=none", "--load-restrictor=LoadRestrictionsNone", f"{work}/tenants/staging/{tenant}"], capture_output=True, timeout=20)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        rc = "TIMEOUT"
    if os.environ.get("DIFF") and isinstance(rc, int) and rc in (0, 1):
        q = subprocess.run(["kubectl", "kustomize", "--reorder=none", "--load-restrictor=LoadRestrictionsNone", f"{work}/tenants/staging/{tenant}"], capture_output=True, timeout=60)
        if (q.returncode == 0) != (rc == 0) or (rc == 0 and q.stdout != p.stdout):
            d = f"{outroot}/diff/{tenant}-{it}"
            os.makedirs(d, exist_ok=True)
            open(f"{d}/file.txt", "w").write(path + "\n")
            open(f"{d}/mutated", "w", encoding="utf-8", errors="surrogatepass").write(s)
            open(f"{d}/kubectl.out", "wb").write(q.stdout + q.stderr[-2000:])
            open(f"{d}/krust.out", "wb").write(p.stdout + p.stderr[-2000:])
            kind = "both-ok-differ" if rc == 0 and q.returncode == 0 else f"kubectl={q.returncode} krust={rc}"
            print(f"DIFF iter {it}: {kind} file={path[len(work)+1:]} krust-err={p.stderr.decode(errors='replace')[-200:]!r} kubectl-err={q.stderr.decode(errors='replace')[-200:]!r}", flush=True)
    if rc == 101 or rc == "TIMEOUT" or (isinstance(rc, int) and rc < 0):
        bad += 1
        d = f"{outroot}/fail/{tenant}-{it}"
        os.makedirs(d, exist_ok=True)
        open(f"{d}/file.txt", "w").write(path + "\n")
        open(f"{d}/mutated", "w", encoding="utf-8", errors="surrogatepass").write(s)
        print(f"iter {it}: rc={rc} file={path[len(work)+1:]} err={p.stderr.decode(errors='replace')[-400:] if rc != 'TIMEOUT' else ''}", flush=True)
    open(path, "w", encoding="utf-8").write(orig)
print(f"done: {iters} iterations, {bad} panics/timeouts/signals; findings in {outroot}")
shutil.rmtree(os.path.dirname(work), ignore_errors=True)
