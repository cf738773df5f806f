#!/usr/bin/env python3
"""diff-fuzz-gen.py - generated tiny kustomize builds, krust against two kubectl versions.

Usage:
    python3 scripts/diff-fuzz-gen.py KRUST ITERATIONS [SEED] [OUT_DIR]

KRUST is `krust` or krust-kustomize's `kbuild` example (both take `build DIR`). Each iteration
writes a fresh tree (a top kustomization, sometimes a base) built from the features where
krust and kustomize have differed: annotations of every scalar type, empty maps in metadata,
block and flow scalars at the end of files (with and without a final newline), generators
without sources, replacements with `create`, `openapi:` at the top and in bases with a
strategic-merge patch below, JSON 6902 patches (inline or in a file, with or without a `%YAML`
directive; numbers, dates and empty flow values as values) followed by a strategic merge on an
empty `capabilities:`, folded scalars with more-indented lines (go-yaml v3's emitter). It builds the tree with KRUST, `kubectl kustomize` (v1.32,
kustomize v5.5.0) and `kubectl-1.35` (kustomize v5.7.1, $HOME/.cache/krust-oracles/bin).

A case where the two kubectls agree must be matched by krust (same success, same bytes);
one where they differ is a version difference and is counted apart (krust is compared with
the 1.35 output there, and such cases are saved under OUT_DIR/version/). Every other
mismatch is saved under OUT_DIR/diff/ and printed. Stdlib only. Keep builds tiny: kubectl is
slow, and the machine is shared (run with nice, in chunks). At the end it prints the most
frequent errors of the builds where both tools fail (what the failing builds exercise);
`scripts/diff-fuzz-triage.py OUT_DIR/diff` groups the findings by cause. Every build's tree
and both kubectls' results are appended to OUT_DIR/corpus-SEED.jsonl: a later krust is checked
against all of them with `scripts/diff-fuzz-recheck.py KRUST OUT_DIR/corpus-*.jsonl`, without
running kubectl again (the kubectl results do not depend on krust). With ONLY=I,J,... only
those iterations are built (every tree is still generated, so the numbering is the full run's).
"""
import os, random, shutil, subprocess, sys, tempfile

krust, iters = sys.argv[1], int(sys.argv[2])
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
rng = random.Random(seed)
outroot = sys.argv[4] if len(sys.argv) > 4 else tempfile.mkdtemp(prefix="diff-fuzz-gen.")
K132 = "kubectl"
K135 = os.path.expanduser("~/.cache/krust-oracles/bin/kubectl-1.35")

SCALARS = ["null", "~", "", "1.0", "1e3", "0x1F", "1e300", "true", "True", "yes", "012", "0o17",
           ".inf", "-.NaN", "1_000", "-0", "+12", "0.", "'q'", '"d"', "'1'", '"true"', "x",
           "2001-12-14", "[]", "{}", "[a, b]", "{k: v}", "1e-3", "9223372036854775808", ".5",
           "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2002-12-14T00:00:00Z",
           "2001-12-14 21:59:43.10", "1:20", "0b101", "+.inf", "NULL", "Null", "off", "on", "y",
           "n", "1.5e+3", "12e03", "1000000", "12345678", "1e21", "1e-7", "0.000001", "-0.0",
           "123456789012345678901234", "'2001-12-14'", "{x: }", "[a, ]", "{x: , y: 1}"]
BLOCKS = ["|\n  x\n  y", "|-\n  x\n  y", ">\n  x\n  y", ">-\n  x\n\n  y", "|+\n  x\n", "|\n  x\n\n",
          # folded scalars with more-indented lines: go-yaml v3's emitter bug (#14 E)
          ">-\n  x(\n    y\n  )", ">2-\n    x\n  y\n\n  z", ">\n  a\n   b\n  c\n", ">+\n  a\n\n   b\n\n",
          ">-\n  " + "w " * 45 + "\n    " + "m " * 45 + "\n  e", ">\n\n  a\n  b",
          "|\n  x\n  ", "|+\n  x\n  \n  ", "|-\n  x\n\n  ", ">\n  x\n \n"]
# A tab after the indentation of an auto-indented block scalar: go-yaml fails (rare).
TAB_BLOCKS = [">-\n  \tx\n  y", "|\n  \tx", "|2\n  \tx", "|\n  x\n \ty"]

def block():
    return rng.choice(TAB_BLOCKS) if rng.random() < 0.03 else rng.choice(BLOCKS)

# Values that make kustomize fail wherever they go through JSON (a JSON 6902 target) or that
# annotations reject: kept rare, so that most builds succeed in both tools.
RARE = {".inf", "-.NaN", "+.inf", "[]", "{}", "[a, b]", "{k: v}", "[a, ]", "{x: }", "{x: , y: 1}"}
COMMON = [x for x in SCALARS if x not in RARE]

def scalar(rare=0.05):
    return rng.choice(sorted(RARE)) if rng.random() < rare else rng.choice(COMMON)

def annotations(indent):
    pad = " " * indent
    r = rng.random()
    if r < 0.15:
        return f"{pad}annotations:\n"
    if r < 0.3:
        return f"{pad}annotations: {{}}\n"
    if r < 0.4:
        return f"{pad}annotations: {{a: {scalar(0.02)}, b: {scalar(0.02)}}}\n"
    keys = rng.sample("abcdefg", rng.randint(1, 3))
    def value():
        if rng.random() < 0.1:
            return block().replace("\n", "\n" + pad + "  ")
        return scalar(0.02)
    return f"{pad}annotations:\n" + "".join(f"{pad}  {k}: {value()}\n" for k in keys)

def labels(indent):
    pad = " " * indent
    return rng.choice([f"{pad}labels: {{}}\n", f"{pad}labels:\n", f"{pad}labels: {{app: web}}\n", ""])

def configmap(name):
    s = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n"
    if rng.random() < 0.7:
        s += annotations(2)
    s += labels(2)
    if rng.random() < 0.9:
        s += "data:\n" + "".join(f"  k{i}: {data_value()}\n" for i in range(rng.choice([1, 2, 2, 3])))
    return s

def data_value():
    r = rng.random()
    if r < 0.15:
        return block().replace("\n", "\n  ")
    return scalar() if r < 0.6 else repr_str()

def repr_str():
    return rng.choice(["plain", "'a b'", '"c\\nd"', "[x]", "{y: z}"])

def deployment(name, nested_annotations):
    s = f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n"
    if rng.random() < 0.5:
        s += annotations(2)
    s += "spec:\n  template:\n"
    if nested_annotations:
        s += "    metadata:\n" + annotations(6)
    s += "    spec:\n      containers:\n      - name: app\n        image: nginx\n"
    if rng.random() < 0.3:
        s += "        securityContext:\n" + rng.choice(["          capabilities:\n", "          capabilities: {}\n",
                                                        "          capabilities: {add: [X]}\n", "          capabilities: {drop: }\n"])
    if rng.random() < 0.2:
        s += "        args:\n        - " + block().replace("\n", "\n          ") + "\n"
    if rng.random() < 0.5:
        s += "        env:\n        - name: A\n          value: a\n"
    return s

def crd_object(name):
    return f"apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: {name}\nspec:\n  items:\n  - name: one\n    v: 1\n"

def end_of_file(text):
    """Ends a resource file with a block or flow scalar, with or without a final newline."""
    r = rng.random()
    if r < 0.35:
        text += "extra: " + block() + "\n"
    elif r < 0.5:
        text += "extra: [" + scalar() + "]\n"
    elif r < 0.6:
        text += "extra: {k: " + scalar() + "}\n"
    if rng.random() < 0.5:
        text = text.rstrip("\n")
    return text

SCHEMA = """{
  "definitions": {
    "com.example.v1.Widget": {
      "type": "object",
      "x-kubernetes-group-version-kind": [{"group": "example.com", "kind": "Widget", "version": "v1"}],
      "properties": {
        "spec": {"type": "object", "properties": {"items": {
          "type": "array", "items": {"type": "object"},
          "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge"}}}
      }
    },
    "io.k8s.api.apps.v1.Deployment": {
      "type": "object",
      "x-kubernetes-group-version-kind": [{"group": "apps", "kind": "Deployment", "version": "v1"}],
      "properties": {"spec": {"type": "object"}}
    }
  }
}
"""

def smp_patch(kinds):
    """A strategic-merge patch on one of the resources the tree has (None when none fits)."""
    choices = [k for k in ("Widget", "Deployment", "ConfigMap") if k in kinds]
    if not choices:
        return None
    k = rng.choice(choices)
    if k == "Widget":
        return ("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  items:\n"
                "  - name: two\n    v: 2\n")
    if k == "Deployment":
        return ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n"
                "    spec:\n      containers:\n      - name: side\n        image: busybox\n")
    return ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n"
            + rng.choice(["  annotations:\n    p: " + scalar(0) + "\n", "  labels: {}\n", ""])
            + "data:\n  k9: " + scalar(0) + "\n")

JSON_VALUES = ["1000000", "1.5", "1e21", "12345678", "0x10", "1e-7", "'1'", "true", "~", "{x: }",
               "1e300", "123456", "-0.0", "2001-12-14"]

def json6902(dirpath, files, kinds, legacy=False):
    """A JSON 6902 patch (inline or a file, sometimes with a %YAML directive) on the ConfigMap
    or Deployment, maybe followed by a strategic merge on an empty `capabilities:`. Paths are
    ones that exist (or are created by `add`) in most builds, so that most builds succeed."""
    choices = [k for k in ("ConfigMap", "Deployment") if k in kinds]
    if not choices:
        return ""
    target = rng.choice(choices)
    ops = []
    for _ in range(rng.randint(1, 3)):
        v = rng.choice(JSON_VALUES)
        paths = ["/metadata/labels", "/metadata/annotations/n"]
        if target == "ConfigMap":
            paths += ["/data", "/data/j", "/data/j", "/data/k0"]
        else:
            paths += ["/spec/template/spec/containers/0/args", "/spec/replicas", "/spec/template/spec/containers/0/name"]
        where = rng.choice(paths)
        if rng.random() < 0.03:
            where = "/metadata/labels/l"  # fails when the resource has no labels
        op = "add"
        if where in ("/metadata/labels", "/data"):
            v = "{l: " + v + "}"
        elif where.endswith("/args"):
            v = "[" + v + "]"
        elif where.endswith("/name"):
            v, op = "app", "replace"
        elif where == "/data/k0" and rng.random() < 0.5:
            op = "remove"
        elif where == "/metadata/annotations/n" and rng.random() < 0.3:
            ops.append("- {op: copy, from: /metadata/annotations, path: /metadata/labels}")
            continue
        if op == "remove":
            ops.append(f"- {{op: remove, path: {where}}}")
        else:
            ops.append(f"- {{op: {op}, path: {where}, value: {v}}}")
    body = "\n".join(ops) + "\n"
    sel = f"{{kind: {target}}}" if not legacy else f"{{kind: {target}, version: {'v1'}, name: {'cm' if target == 'ConfigMap' else 'web'}}}"
    if legacy and target == "Deployment":
        sel = "{group: apps, kind: Deployment, version: v1, name: web}"
    out = ""
    if rng.random() < 0.5:
        name = f"j{len(files)}.yaml"
        text = body
        if rng.random() < 0.4:
            text = rng.choice(["%YAML 1.2\n---\n", "%YAML 1.1\n---\n", "---\n"]) + text
        files[os.path.join(dirpath, name)] = text
        out += f"- target: {sel}\n  path: {name}\n"
    else:
        out += f"- target: {sel}\n  patch: |-\n" + "".join(f"    {o}\n" for o in ops)
    if target == "Deployment" and not legacy and rng.random() < 0.6:
        files[os.path.join(dirpath, "caps.yaml")] = (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n"
            "    spec:\n      containers:\n      - name: app\n        securityContext:\n"
            + rng.choice(["          capabilities:\n", "          capabilities: {}\n",
                          "          capabilities:\n            drop: [ALL]\n", "          capabilities: {add: }\n"]))
        out += "- path: caps.yaml\n"
    return out

def openapi_field(dirpath):
    r = rng.random()
    if r < 0.4:
        return ""
    if r < 0.6:
        return "openapi:\n  version: v1.21.2\n"
    with open(os.path.join(dirpath, "schema.json"), "w") as f:
        f.write(SCHEMA)
    return "openapi:\n  path: schema.json\n"

def replacements(kinds, data_keys):
    out = "replacements:\n"
    for _ in range(rng.randint(1, 2)):
        src = rng.choice(["data.k0", "data.k0", "data.k1", "metadata.name"])
        if src.startswith("data.") and src[5:] not in data_keys and rng.random() < 0.9:
            src = rng.choice([f"data.{k}" for k in data_keys] or ["metadata.name"])
        kind = rng.choice([k for k in ("Deployment", "ConfigMap", "Widget", "ConfigMap") if k in kinds] or ["ConfigMap"])
        create = rng.random() < 0.85
        if create:
            tgt = rng.choice({"Deployment": ["spec.x", "metadata.annotations.made", "spec.template.metadata.annotations.made",
                                             "spec.list.0", "metadata.labels.made", "spec.template.spec.containers.0.env.0.value"],
                              "ConfigMap": ["data.new", "metadata.annotations.made", "metadata.labels.made", "data.k0"],
                              "Widget": ["spec.items.0.v", "spec.made"]}[kind])
        else:
            tgt = rng.choice({"Deployment": ["spec.template.spec.containers.0.image", "metadata.annotations.made"],
                              "ConfigMap": ["data.k0", "data.k1" if "k1" in data_keys else "data.k0"],
                              "Widget": ["spec.items.0.v", "spec.items.0.name"]}[kind])
        out += (f"- source: {{kind: ConfigMap, name: cm, fieldPath: {src}}}\n"
                f"  targets:\n  - select: {{kind: {kind}}}\n"
                f"    fieldPaths: [{tgt}]\n    options: {{create: {'true' if create else 'false'}}}\n")
    return out

def generators(suffix="", merge_into=()):
    """Generators, often without sources. `merge_into`: the generator names of a base (a
    generator of the same name here merges into it or replaces it)."""
    out = ""
    def name(n):
        if n in merge_into and rng.random() < 0.5:
            return n, "  behavior: " + rng.choice(["merge", "replace"]) + "\n"
        return n + suffix, ""
    made = []
    if rng.random() < 0.5:
        n, b = name("s")
        made.append("s")
        out += "secretGenerator:\n- name: " + n + "\n" + b + rng.choice(
            ["", "  type: Opaque\n", "  options: {disableNameSuffixHash: true}\n", "  literals: [P=q]\n"])
    if rng.random() < 0.5:
        n, b = name("g")
        made.append("g")
        out += "configMapGenerator:\n- name: " + n + "\n" + b + rng.choice(
            ["", "  literals: [A=1]\n", "  options: {annotations: {x: z}}\n", "  literals: ['B=" + scalar(0).replace("'", "''") + "']\n",
             "  options: {labels: {l: m}, disableNameSuffixHash: true}\n"])
    return out, made

def write_tree(root):
    use_base = rng.random() < 0.6
    top_res = []
    files = {}
    base_res = []
    cm = configmap("cm")
    resources = [("cm.yaml", cm)]
    kinds = {"ConfigMap"}
    if rng.random() < 0.7:
        resources.append(("deploy.yaml", deployment("web", rng.random() < 0.5)))
        kinds.add("Deployment")
    if rng.random() < 0.4:
        resources.append(("widget.yaml", crd_object("w")))
        kinds.add("Widget")
    data_keys = [k for k in ("k0", "k1", "k2") if f"\n  {k}: " in cm]
    where = os.path.join(root, "base") if use_base else root
    os.makedirs(where, exist_ok=True)
    for name, text in resources:
        files[os.path.join(where, name)] = end_of_file(text) if rng.random() < 0.6 else text
        (base_res if use_base else top_res).append(name)
    base_gens = []
    if use_base:
        bk = "resources:\n" + "".join(f"- {n}\n" for n in base_res)
        bk += openapi_field(where)
        if rng.random() < 0.6:
            p = smp_patch(kinds)
            if p:
                files[os.path.join(where, "patch.yaml")] = p
                bk += "patches:\n- path: patch.yaml\n"
        if rng.random() < 0.3:
            g, base_gens = generators()
            bk += g
        if rng.random() < 0.2:
            bk += "namePrefix: p-\n"
        files[os.path.join(where, "kustomization.yaml")] = bk
        top_res.append("base")
    k = "resources:\n" + "".join(f"- {n}\n" for n in top_res)
    k += openapi_field(root)
    if rng.random() < 0.4:
        g, _ = generators("2", base_gens)
        k += g
    if rng.random() < 0.4:
        k += replacements(kinds, data_keys)
    if rng.random() < 0.2:
        k += "commonAnnotations:\n  note: " + rng.choice(["x", "'1'", '"true"', "'0x10'", "'2001-12-14'"]) + "\n"
    if rng.random() < 0.1:
        k += "nameSuffix: -s\n"
    patches = ""
    if not use_base and rng.random() < 0.4:
        p = smp_patch(kinds)
        if p:
            files[os.path.join(root, "patch.yaml")] = p
            patches += "- path: patch.yaml\n"
    if rng.random() < 0.4:
        patches += json6902(root, files, kinds)
    if patches:
        k += "patches:\n" + patches
    if rng.random() < 0.08:
        legacy = json6902(root, files, kinds, legacy=True)
        if legacy:
            k += "patchesJson6902:\n" + legacy
    files[os.path.join(root, "kustomization.yaml")] = k
    for p, t in files.items():
        with open(p, "w") as f:
            f.write(t)

def run(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=60)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return "TIMEOUT", b"", b""

def save(kind, it, root, outs):
    d = os.path.join(outroot, kind, f"{seed}-{it}")
    shutil.copytree(root, os.path.join(d, "input"))
    for name, (rc, out, err) in outs.items():
        with open(os.path.join(d, name + ".out"), "wb") as f:
            f.write(f"rc={rc}\n".encode() + out + b"\n--- stderr\n" + err[-3000:])
    return d

def fail_reason(err):
    """A short class of kubectl's error, to see what the failing builds test."""
    import re
    t = err.decode(errors="replace").replace("\n", " ")
    t = re.sub(r"^.*?command failed\" err=\"?<?", "", t)
    t = re.sub(r"/tmp/\S+", "P", t)
    t = re.sub(r"line \d+", "line N", t)
    t = re.sub(r"\b[0-9a-f]{10}\b", "H", t)
    return t.strip()[-90:]

def record(it, root, a, b):
    """Appends the build's input tree and both kubectls' results to OUT_DIR/corpus-SEED.jsonl,
    so that a later krust can be checked against them without running kubectl again
    (scripts/diff-fuzz-recheck.py)."""
    import json
    files = {}
    for dp, _, fn in os.walk(root):
        for f in fn:
            full = os.path.join(dp, f)
            with open(full, encoding="utf-8", errors="surrogateescape") as fh:
                files[os.path.relpath(full, root)] = fh.read()
    res = lambda r: [r[0], r[1].decode("utf-8", "surrogateescape"), r[2].decode("utf-8", "surrogateescape")[-600:]]
    with open(os.path.join(outroot, f"corpus-{seed}.jsonl"), "a", encoding="utf-8", errors="surrogateescape") as fh:
        fh.write(json.dumps({"id": f"{seed}-{it}", "files": files, "kubectl-1.32": res(a), "kubectl-1.35": res(b)}) + "\n")

os.makedirs(outroot, exist_ok=True)
only = {int(x) for x in os.environ["ONLY"].split(",")} if os.environ.get("ONLY") else None
fail_reasons = {}
counts = {"agree": 0, "version": 0, "diff": 0, "both-fail": 0, "krust-crash": 0}
for it in range(iters):
    work = tempfile.mkdtemp(prefix="dfg.")
    root = os.path.join(work, "t")
    os.makedirs(root)
    write_tree(root)
    if only is not None and it not in only:
        shutil.rmtree(work, ignore_errors=True)
        continue
    kr = run([krust, "build", root])
    a = run([K132, "kustomize", root])
    b = run([K135, "kustomize", root])
    record(it, root, a, b)
    ok = lambda r: r[0] == 0
    same = lambda x, y: ok(x) == ok(y) and (not ok(x) or x[1] == y[1])
    if not isinstance(kr[0], int) or kr[0] not in (0, 1):
        counts["krust-crash"] += 1
        d = save("crash", it, root, {"krust": kr, "kubectl-1.32": a, "kubectl-1.35": b})
        print(f"CRASH iter {it}: rc={kr[0]} {d}", flush=True)
    elif not same(a, b):
        counts["version"] += 1
        if not same(kr, b):
            counts["diff"] += 1
            d = save("diff", it, root, {"krust": kr, "kubectl-1.32": a, "kubectl-1.35": b})
            print(f"DIFF (kubectl versions differ, krust != 1.35) iter {it}: {d}", flush=True)
        else:
            save("version", it, root, {"krust": kr, "kubectl-1.32": a, "kubectl-1.35": b})
    elif same(kr, a):
        counts["agree" if ok(a) else "both-fail"] += 1
        if not ok(a):
            why = fail_reason(a[2])
            fail_reasons[why] = fail_reasons.get(why, 0) + 1
    else:
        counts["diff"] += 1
        d = save("diff", it, root, {"krust": kr, "kubectl-1.32": a, "kubectl-1.35": b})
        print(f"DIFF iter {it}: krust rc={kr[0]} kubectl rc={a[0]} {d} krust-err={kr[2].decode(errors='replace')[-160:]!r} kubectl-err={a[2].decode(errors='replace')[-160:]!r}", flush=True)
    shutil.rmtree(work, ignore_errors=True)
    if (it + 1) % 250 == 0:
        print(f"progress {it + 1}/{iters}: {counts}", flush=True)
print(f"done seed={seed}: {iters} builds, {counts}; findings in {outroot}", flush=True)
for why, n in sorted(fail_reasons.items(), key=lambda x: -x[1])[:25]:
    print(f"  both-fail x{n}: {why}", flush=True)
