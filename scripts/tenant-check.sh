#!/usr/bin/env bash
# tenant-check.sh - per-tenant krust vs kubectl comparison on a fleet made by gen_fleet.py,
# to locate which tenant (and so which features, from FEATURES.tsv) makes a build differ.
#
# Usage:
#   scripts/tenant-check.sh FLEET_DIR [ENV...] [-k KRUST] [-o OUTDIR]
#
#   FLEET_DIR  a fleet written by gen_fleet.py (e.g. the OUTDIR/fleet of fleet-check.sh)
#   ENV        staging and/or production (default: both); also accepts "base"
#   -k KRUST   krust binary (default: $CARGO_TARGET_DIR or target, + /release/krust)
#   -o OUTDIR  where to keep the renders of failing tenants (default: mktemp -d)
#
# For every tenants/<env>/<tenant> it builds with both tools
# (--reorder=none --load-restrictor=LoadRestrictionsNone), prints one line per tenant
# (OK / DIFF / KRUST-ERR / PANIC / BOTH-ERR), then, over the failing tenants, the features
# from FEATURES.tsv that are set in every failing tenant and in no passing one (the likely
# culprits) plus, per feature, fail/total counts. Exit 1 if any tenant failed.
set -u -o pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
fleet=""
envs=()
krust=""
outdir=""
while [ $# -gt 0 ]; do
    case "$1" in
        -k) krust=$2; shift 2 ;;
        -o) outdir=$2; shift 2 ;;
        -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) if [ -z "$fleet" ]; then fleet=$1; else envs+=("$1"); fi; shift ;;
    esac
done
[ -n "$fleet" ] && [ -f "$fleet/FEATURES.tsv" ] || { echo "tenant-check: need a fleet dir with FEATURES.tsv" >&2; exit 2; }
[ ${#envs[@]} -gt 0 ] || envs=(staging production)
[ -n "$krust" ] || krust="${CARGO_TARGET_DIR:-$repo_root/target}/release/krust"
[ -x "$krust" ] || { echo "tenant-check: krust binary not found: $krust" >&2; exit 2; }
[ -n "$outdir" ] || outdir=$(mktemp -d "${TMPDIR:-/tmp}/tenant-check.XXXXXX")
mkdir -p "$outdir"
flags=(--reorder=none --load-restrictor=LoadRestrictionsNone)

results="$outdir/results.tsv"
: >"$results"
any_fail=0
for env in "${envs[@]}"; do
    for d in "$fleet/tenants/$env"/*/; do
        t=$(basename "$d")
        w="$outdir/$env.$t.kubectl.yaml"
        g="$outdir/$env.$t.krust.yaml"
        kubectl kustomize "${flags[@]}" "$d" >"$w" 2>"$w.err"; krc=$?
        "$krust" build "${flags[@]}" "$d" >"$g" 2>"$g.err"; rrc=$?
        if [ $rrc = 101 ]; then r=PANIC
        elif [ $krc != 0 ] && [ $rrc != 0 ]; then r=BOTH-ERR
        elif [ $krc != 0 ]; then r=KUBECTL-ERR
        elif [ $rrc != 0 ]; then r=KRUST-ERR
        elif cmp -s "$w" "$g"; then r=OK
        else r=DIFF
        fi
        detail=""
        case $r in
            OK) rm -f "$w" "$g" "$w.err" "$g.err" ;;
            DIFF) detail="$(diff "$w" "$g" | grep -c '^[<>]') lines; first: $(diff "$w" "$g" | grep '^[<>]' | head -2 | tr '\n' ' ' | cut -c1-160)"; any_fail=1 ;;
            *) detail=$(grep -v '^# Warning\|^Flag --reorder' "$g.err" | tail -1 | sed 's/.*kustomization.yaml: //' | cut -c1-200); any_fail=1 ;;
        esac
        printf '%s\t%s\t%s\t%s\n' "$env" "$t" "$r" "$detail" | tee -a "$results"
    done
done

python3 - "$fleet/FEATURES.tsv" "$results" <<'EOF'
import sys, collections
feat_rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
head, rows = feat_rows[0], {r[0]: r for r in feat_rows[1:]}
res = [l.rstrip("\n").split("\t") for l in open(sys.argv[2]) if l.strip()]
for env in sorted({r[0] for r in res}):
    er = [r for r in res if r[0] == env]
    fail = [r[1] for r in er if r[2] != "OK"]
    ok = [r[1] for r in er if r[2] == "OK"]
    print(f"== {env}: {len(ok)} OK, {len(fail)} failing of {len(er)}")
    if not fail:
        continue
    cols = [i for i, h in enumerate(head) if i > 0 and (h.startswith(env + ".") or h.startswith("base.") or h.startswith("app."))]
    on = lambda t, i: t in rows and rows[t][i] not in ("0", "")
    always = [head[i] for i in cols if all(on(t, i) for t in fail) and not any(on(t, i) for t in ok)]
    print("   set in every failing tenant and no passing one:", ", ".join(always) or "(none)")
    never = [head[i] for i in cols if any(on(t, i) for t in ok) and not any(on(t, i) for t in fail)]
    print("   per feature (failing with it / tenants with it):")
    for i in cols:
        n = sum(on(t, i) for t in fail + ok)
        f = sum(on(t, i) for t in fail)
        if n:
            print(f"     {head[i]:40s} {f}/{n}")
    kinds = collections.Counter(r[2] for r in er)
    print("   outcome counts:", dict(kinds))
EOF
echo "renders of failing tenants in $outdir"
exit $any_fail
