#!/usr/bin/env bash
# error-cases.sh - the mistakes a new user makes, each in a tiny repo, run through both
# `kubectl kustomize` (the oracle) and `krust build`; prints exit codes, both messages, and
# whether stdout agrees. Flags a krust panic (exit 101) loudly.
#
# Usage:
#   scripts/error-cases.sh [-k KRUST] [-o DIR] [CASE...]
#
#   -k KRUST  krust binary (default: $CARGO_TARGET_DIR or target, + /release/krust)
#   -o DIR    where to write the case repos (default: mktemp -d); kept afterwards
#   CASE      only these cases (default: all; see `case_*` functions below)
#
# Both tools run with --reorder=none --load-restrictor=LoadRestrictionsNone. The exit status is
# 1 if krust panicked or any case's exit status differs between the tools, else 0.
set -u -o pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
krust=""
dir=""
only=()
while [ $# -gt 0 ]; do
    case "$1" in
        -k) krust=$2; shift 2 ;;
        -o) dir=$2; shift 2 ;;
        -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) only+=("$1"); shift ;;
    esac
done
[ -n "$krust" ] || krust="${CARGO_TARGET_DIR:-$repo_root/target}/release/krust"
[ -x "$krust" ] || { echo "error-cases: krust binary not found: $krust" >&2; exit 2; }
[ -n "$dir" ] || dir=$(mktemp -d "${TMPDIR:-/tmp}/error-cases.XXXXXX")
mkdir -p "$dir"

CM='apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: "1"\n'
k() { printf "$2" >"$1/kustomization.yaml"; }
f() { printf -- "$3" >"$1/$2"; }

case_missing_resource() { k "$1" 'resources:\n  - cm.yaml\n  - nothere.yaml\n'; f "$1" cm.yaml "$CM"; }
case_cycle() {
    mkdir -p "$1/a" "$1/b"; k "$1/a" 'resources:\n  - ../b\n'; k "$1/b" 'resources:\n  - ../a\n'
    echo a
}
case_self_cycle() { k "$1" 'resources:\n  - .\n'; }
case_unknown_field() { k "$1" 'resources:\n  - cm.yaml\nnamePrefx: x-\n'; f "$1" cm.yaml "$CM"; }
case_bad_yaml_patch_file() {
    k "$1" 'resources:\n  - cm.yaml\npatches:\n  - path: p.yaml\n'; f "$1" cm.yaml "$CM"
    f "$1" p.yaml 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  b: [1, 2\n  c: 3\n'
}
case_bad_yaml_inline_patch() {
    k "$1" 'resources:\n  - cm.yaml\npatches:\n  - patch: |\n      apiVersion: v1\n      kind: ConfigMap\n      metadata:\n        name: c\n      data:\n        b: "unterminated\n'
    f "$1" cm.yaml "$CM"
}
case_patch_no_match_by_name() {
    k "$1" 'resources:\n  - cm.yaml\npatches:\n  - path: p.yaml\n'; f "$1" cm.yaml "$CM"
    f "$1" p.yaml 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\ndata:\n  b: "2"\n'
}
case_patch_no_match_by_target() {
    k "$1" 'resources:\n  - cm.yaml\npatches:\n  - target:\n      kind: Deployment\n    patch: |\n      - op: add\n        path: /spec/x\n        value: 1\n'
    f "$1" cm.yaml "$CM"
}
case_json6902_bad_op() {
    k "$1" 'resources:\n  - cm.yaml\npatches:\n  - target:\n      kind: ConfigMap\n    patch: |\n      - op: frobnicate\n        path: /data/a\n'
    f "$1" cm.yaml "$CM"
}
case_missing_patch_file() { k "$1" 'resources:\n  - cm.yaml\npatches:\n  - path: nope.yaml\n'; f "$1" cm.yaml "$CM"; }
case_duplicate_key_kustomization() { k "$1" 'resources:\n  - cm.yaml\nnamePrefix: a-\nnamePrefix: b-\n'; f "$1" cm.yaml "$CM"; }
case_duplicate_key_resource() {
    k "$1" 'resources:\n  - cm.yaml\n'
    f "$1" cm.yaml 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: "1"\n  a: "2"\n'
}
case_duplicate_key_configurations() {
    k "$1" 'resources:\n  - cm.yaml\nconfigurations:\n  - cfg.yaml\n'; f "$1" cm.yaml "$CM"
    f "$1" cfg.yaml 'nameReference:\n  - kind: ConfigMap\n    fieldSpecs:\n      - path: spec/x\n        kind: Foo\n        kind: Bar\n'
}
case_nan() {
    k "$1" 'resources:\n  - cm.yaml\n'
    f "$1" cm.yaml 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: .nan\n'
}
case_bad_yaml_resource() {
    k "$1" 'resources:\n  - cm.yaml\n'
    f "$1" cm.yaml 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n data:\n  a: 1\n'
}
case_tab_indent() { k "$1" 'resources:\n\t- cm.yaml\n'; f "$1" cm.yaml "$CM"; }
case_no_kustomization() { f "$1" cm.yaml "$CM"; }
case_empty_kustomization() { k "$1" ''; }
case_duplicate_resource_id() { k "$1" 'resources:\n  - cm.yaml\n  - cm2.yaml\n'; f "$1" cm.yaml "$CM"; f "$1" cm2.yaml "$CM"; }
case_missing_kind() { k "$1" 'resources:\n  - cm.yaml\n'; f "$1" cm.yaml 'apiVersion: v1\nmetadata:\n  name: c\n'; }
case_generator_missing_file() { k "$1" 'configMapGenerator:\n  - name: g\n    files:\n      - missing.txt\n'; }
case_generator_bad_literal() { k "$1" 'configMapGenerator:\n  - name: g\n    literals:\n      - novalue\n'; }
case_env_file_odd_keys() {
    k "$1" 'configMapGenerator:\n  - name: g\n    envs:\n      - a.env\n'
    f "$1" a.env 'GOOD=1\nBAD\\\\KEY=2\nNO-EQUALS:8080\n'
}
case_generator_odd_file_key() {
    k "$1" 'configMapGenerator:\n  - name: g\n    files:\n      - a}b.yaml=v.yaml\n'; f "$1" v.yaml 'x: 1\n'
}
case_remote_resource() { k "$1" 'resources:\n  - https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v5.5.0\n'; }
case_resources_not_a_list() { k "$1" 'resources: cm.yaml\n'; f "$1" cm.yaml "$CM"; }
case_escape_root() {
    mkdir -p "$1/sub"; f "$1" cm.yaml "$CM"; k "$1/sub" 'resources:\n  - ../cm.yaml\n'
    echo "sub --load-restrictor=LoadRestrictionsRootOnly"
}

cases=("${only[@]}")
if [ ${#cases[@]} -eq 0 ]; then
    mapfile -t cases < <(declare -F | awk '{print $3}' | grep '^case_' | sed 's/^case_//')
fi

flags=(--reorder=none)
status=0
for c in "${cases[@]}"; do
    d="$dir/$c"
    rm -rf "$d"; mkdir -p "$d"
    spec=$("case_$c" "$d")
    sub=${spec%% *}
    lr=--load-restrictor=LoadRestrictionsNone
    case "$spec" in *" "*) lr=${spec#* } ;; esac
    b="$d${sub:+/$sub}"
    kubectl kustomize "${flags[@]}" "$lr" "$b" >"$d.kubectl.out" 2>"$d.kubectl.err"; kr=$?
    "$krust" build "${flags[@]}" "$lr" "$b" >"$d.krust.out" 2>"$d.krust.err"; rr=$?
    same=$(cmp -s "$d.kubectl.out" "$d.krust.out" && echo "stdout same" || echo "STDOUT DIFFERS")
    flag=""
    [ $rr = 101 ] && { flag="  <<< PANIC"; status=1; }
    { [ $kr = 0 ] && [ $rr != 0 ]; } || { [ $kr != 0 ] && [ $rr = 0 ]; } && { flag="$flag  <<< exit differs"; status=1; }
    echo "### $c: kubectl=$kr krust=$rr, $same$flag"
    echo "  kubectl: $(grep -v '^Flag --reorder\|^# Warning' "$d.kubectl.err" | sed 's/^E[0-9]* [0-9:.]* *[0-9]* run.go:[0-9]*\] "command failed" //' | tr '\n\t' '  ' | cut -c1-500)"
    echo "  krust:   $(tr '\n' ' ' <"$d.krust.err" | cut -c1-500)"
done
echo "case repos in $dir"
exit $status
