#!/usr/bin/env python3
"""Seeds fuzz targets' working corpora from the project's own test data.

    python3 fuzz/seed-from-testdata.py TARGET...

Writes inputs in each target's format (see fuzz/README.md) into
target/fuzz-corpus/TARGET/ (run.sh's working corpus, never committed), named
`td-<hash>`. Sources, all inside this repository:

- envsubst: every YAML file under testdata/ and examples/ that holds `$`, with the
  variables it names set to short values (and to none, for the strict-mode errors);
- flux_render: each repository under testdata/flux/*/ and testdata/adversarial/flux/*.txtar
  (the cluster directory renamed to clusters/dev);
- template: each case of testdata/template-cases/**/*.cases (template, values, defines),
  except those that generate keys or call derivePassword (slow by design; over the
  10 s timeout under ASan);
- chart_render: each chart directory under testdata/charts/ (files up to 16 KiB);
- chart_archive: testdata/charts/*.tgz and each chart directory packed as a .tgz.

Inputs larger than the targets' 64 KiB cut are skipped.
"""
import hashlib, io, os, re, sys, tarfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX = 64 * 1024


def out(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX or not data:
        return 0
    d = os.path.join(ROOT, "target", "fuzz-corpus", target)
    os.makedirs(d, exist_ok=True)
    name = "td-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
    return 1


def files_under(top, exts=None):
    for dp, dns, fns in os.walk(os.path.join(ROOT, top)):
        dns.sort()
        for fn in sorted(fns):
            if exts is None or fn.endswith(exts):
                yield os.path.join(dp, fn)


def read(p):
    try:
        with open(p, encoding="utf-8") as f:
            return f.read()
    except (UnicodeDecodeError, OSError):
        return None


def txtar_sections(src):
    secs = []
    for line in src.splitlines(keepends=True):
        bare = line.rstrip("\n")
        if bare.startswith("-- ") and bare.endswith(" --"):
            secs.append([bare[3:-3].strip(), ""])
        elif secs:
            secs[-1][1] += line
    return secs


def envsubst():
    n = 0
    var = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")
    for top in ("testdata", "examples"):
        for p in files_under(top, (".yaml", ".yml", ".txtar")):
            text = read(p)
            if not text or "$" not in text:
                continue
            names = sorted(set(var.findall(text)))
            vars_ = "".join(f"{v}=v-{i}\n" for i, v in enumerate(names))
            n += out("envsubst", "\x01" + vars_ + "-- text --\n" + text)
            n += out("envsubst", "\x01-- text --\n" + text)
            n += out("envsubst", "\x00" + vars_ + "-- text --\n" + text)
    return n


def repo_txtar(files):
    return "".join(f"-- {name} --\n{body}" for name, body in files)


def flux_render():
    n = 0
    top = os.path.join(ROOT, "testdata", "flux")
    for case in sorted(os.listdir(top)):
        base = os.path.join(top, case)
        files = []
        for p in files_under(os.path.relpath(base, ROOT)):
            rel = os.path.relpath(p, base)
            # A case's platform repository (or the case itself) is the rendered repo.
            rel = re.sub(r"^platform/", "", rel)
            rel = re.sub(r"^clusters/[^/]+/", "clusters/dev/", rel)
            body = read(p)
            if body is not None:
                files.append((rel, body))
        n += out("flux_render", "\x01" + repo_txtar(files))
    for p in files_under("testdata/adversarial/flux", (".txtar",)):
        secs = [
            (name[len("repo/"):], body)
            for name, body in txtar_sections(read(p) or "")
            if name.startswith("repo/")
        ]
        n += out("flux_render", "\x01" + repo_txtar(secs))
    return n


KEYGEN = re.compile(r"\b(genPrivateKey|genCA|genSelfSignedCert|genSignedCert|derivePassword)\b")


def template():
    n = 0
    for p in files_under("testdata/template-cases", (".cases",)):
        src = read(p) or ""
        for case in re.split(r"^=== .*\n", src, flags=re.M)[1:]:
            secs = {}
            cur = None
            for line in case.splitlines(keepends=True):
                m = re.match(r"^--- (\w+)\s*$", line)
                if m:
                    cur = m.group(1)
                    secs[cur] = ""
                elif cur:
                    secs[cur] += line
            body = secs.get("template", "").removesuffix("\n")
            text = body + "\n-- values --\n" + secs.get("values", "")
            if "defines" in secs:
                text += "-- more --\n" + secs["defines"]
            # Key generation (DSA parameters, 2048/4096-bit RSA primes) and derivePassword
            # (scrypt, N=32768) take up to seconds in a release build, as in Helm, and over
            # the 10 s timeout under ASan: such a seed stops the run before fuzzing starts
            # (see fuzz/regressions/template/).
            if KEYGEN.search(text):
                continue
            n += out("template", text)
    return n


def chart_dirs():
    top = os.path.join(ROOT, "testdata", "charts")
    for d in sorted(os.listdir(top)):
        p = os.path.join(top, d)
        if os.path.isfile(os.path.join(p, "Chart.yaml")):
            yield d, p


def chart_render():
    n = 0
    for _, d in chart_dirs():
        files = []
        for p in files_under(os.path.relpath(d, ROOT)):
            body = read(p)
            if body is not None and len(body) <= 16 * 1024:
                files.append((os.path.relpath(p, d), body))
        n += out("chart_render", repo_txtar(files))
        # Also each template alone (with the chart's values), as smaller seeds.
        values = [f for f in files if f[0] == "values.yaml"]
        for name, body in files:
            if name.startswith("templates/"):
                n += out("chart_render", repo_txtar([(name, body)] + values))
    return n


def chart_archive():
    n = 0
    for p in files_under("testdata/charts", (".tgz",)):
        with open(p, "rb") as f:
            n += out("chart_archive", f.read())
    for name, d in chart_dirs():
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz", format=tarfile.GNU_FORMAT) as t:
            t.add(d, arcname=name, recursive=True)
        n += out("chart_archive", buf.getvalue())
    return n


TARGETS = {
    "envsubst": envsubst,
    "flux_render": flux_render,
    "template": template,
    "chart_render": chart_render,
    "chart_archive": chart_archive,
}

if __name__ == "__main__":
    for t in sys.argv[1:] or TARGETS:
        print(t, TARGETS[t]())
