#!/usr/bin/env python3
"""Record the real helm's output for krust-template's Go-template conformance cases.

Case files (`testdata/template-cases/**/*.cases`) hold cases in this form:

    === case-name
    --- values
    a: 1
    --- template
    {{ .a }}

`values` is optional (default `{}`); an optional `--- defines` section holds text placed
after the case's define (other `define`s the case calls). A section runs to the next `--- ` / `=== ` line; the
newline before that line is not part of the section. For every case this script builds a
throwaway chart whose `templates/_case.tpl` is

    {{- define "case" }}TEMPLATE{{ end }}DEFINES

and whose `templates/out.yaml` is `out: "{{ include "case" .Values | b64enc }}"`, runs
`helm template` and records, next to the case file, `<name>.expected.json`:

    {"oracle": "helm v4.1.4 (go1.25.9)", "cases": {"case-name": {"output": "..."}}}

or `{"error": "..."}` with helm's message minus the `Error: ` prefix, the `Use --debug`
trailer and the wrapper naming `out.yaml` and `include` (so the text is the error of the
case template itself, in helm's own layout).

Usage: scripts/gen-template-cases.py [FILE.cases ...]   (default: every case file)
"""
import base64
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASES = os.path.join(ROOT, "testdata", "template-cases")
HELM = os.path.expanduser("~/.cache/krust-oracles/bin/helm")
PREFIX = '{{- define "case" }}'
SUFFIX = "{{ end }}"

WRAP_RAW = ('template: c/templates/out.yaml:1:9: executing "c/templates/out.yaml" '
            'at <include "case" .Values>: error calling include: ')
WRAP_V4 = ('c/templates/out.yaml:1:9\n  executing "c/templates/out.yaml" at '
           '<include "case" .Values>:\n    error calling include:\n')


def parse_cases(path):
    cases = []
    cur = None
    section = None
    buf = []

    def flush():
        if cur is not None and section is not None:
            cur[section] = "\n".join(buf)

    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for line in lines:
        if line.startswith("=== "):
            flush()
            cur = {"name": line[4:].strip(), "values": "{}"}
            cases.append(cur)
            section, buf = None, []
        elif cur is not None and line in ("--- values", "--- template", "--- defines"):
            flush()
            section, buf = line[4:], []
        elif section is not None:
            buf.append(line)
    flush()
    # The file's final newline is not part of the last section.
    for key in ("template", "defines", "values"):
        if cases and cases[-1].get(key, "").endswith("\n"):
            cases[-1][key] = cases[-1][key][:-1]
    return cases


def helm_version():
    out = subprocess.run([HELM, "version"], capture_output=True, text=True).stdout
    v = re.search(r'Version:"([^"]+)"', out)
    g = re.search(r'GoVersion:"([^"]+)"', out)
    return "helm %s (%s)" % (v.group(1) if v else "?", g.group(1) if g else "?")


def run_case(case):
    with tempfile.TemporaryDirectory() as d:
        c = os.path.join(d, "c")
        os.makedirs(os.path.join(c, "templates"))
        with open(os.path.join(c, "Chart.yaml"), "w") as f:
            f.write("apiVersion: v2\nname: c\nversion: 0.1.0\n")
        with open(os.path.join(c, "values.yaml"), "w") as f:
            f.write(case["values"] + "\n")
        with open(os.path.join(c, "templates", "_case.tpl"), "w") as f:
            f.write(PREFIX + case["template"] + SUFFIX + case.get("defines", ""))
        with open(os.path.join(c, "templates", "out.yaml"), "w") as f:
            f.write('out: "{{ include "case" .Values | b64enc }}"\n')
        p = subprocess.run([HELM, "template", "c", c], capture_output=True, text=True)
    if p.returncode == 0:
        m = re.search(r'^out: "(.*)"$', p.stdout, re.M)
        if not m:
            return {"error": "unexpected helm output: " + p.stdout}
        return {"output": base64.b64decode(m.group(1)).decode("utf-8", "replace")}
    err = p.stderr
    if err.startswith("Error: "):
        err = err[len("Error: "):]
    err = re.sub(r"\n\nUse --debug flag to render out invalid YAML\n?$", "", err)
    err = err.rstrip("\n")
    for w in (WRAP_RAW, WRAP_V4):
        if err.startswith(w):
            err = err[len(w):]
    return {"error": err}


def main(argv):
    files = argv or sorted(
        os.path.join(dp, f) for dp, _, fs in os.walk(CASES) for f in fs if f.endswith(".cases"))
    oracle = helm_version()
    for path in files:
        cases = parse_cases(path)
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
            results = list(ex.map(run_case, cases))
        out = {"oracle": oracle, "generator": "scripts/gen-template-cases.py",
               "cases": {c["name"]: r for c, r in zip(cases, results)}}
        target = path[: -len(".cases")] + ".expected.json"
        with open(target, "w", encoding="utf-8") as f:
            json.dump(out, f, indent=1, ensure_ascii=False, sort_keys=True)
            f.write("\n")
        print("%s: %d cases" % (os.path.relpath(target, ROOT), len(cases)))


if __name__ == "__main__":
    main(sys.argv[1:])
