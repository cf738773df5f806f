#!/usr/bin/env bash
# fleet-check.sh - compare `krust build` with `kubectl kustomize` (the oracle) on a synthetic
# Flux multi-tenant fleet, byte for byte, and time both side by side.
#
# Usage:
#   scripts/fleet-check.sh [-n TENANTS] [-s SEED] [-r RUNS] [-o OUTDIR] [-g GEN] [-k KRUST]
#                          [--no-build] [--keep]
#
#   -n TENANTS  number of tenants for gen_fleet.py (default 50)
#   -s SEED     seed for gen_fleet.py (default 0)
#   -r RUNS     runs per tool, interleaved; the best (minimum) time is reported (default 3;
#               use 1 for large N, where one kubectl run takes minutes)
#   -o OUTDIR   work directory for the fleet and the renders (default: a fresh mktemp -d
#               under ${TMPDIR:-/tmp}); it is created/overwritten, never inside ../shared
#   -g GEN      path of gen_fleet.py (default: ../shared/bench/gen_fleet.py from the repo root)
#   -k KRUST    krust binary (default: $CARGO_TARGET_DIR or target, + /release/krust)
#   --no-build  skip `cargo build --release -p krust`
#   --keep      keep OUTDIR when it was a mktemp dir (it is always kept on a mismatch)
#
# For each of clusters/staging and clusters/production it runs
#   kubectl kustomize --reorder=none --load-restrictor=LoadRestrictionsNone DIR/clusters/<env>
#   krust build       --reorder=none --load-restrictor=LoadRestrictionsNone DIR/clusters/<env>
# compares the outputs with cmp (and prints the head of a unified diff on mismatch), and
# prints best-of-RUNS wall-clock and CPU (user+sys) times and the ratios kubectl/krust.
# Exit status: 0 if every env matched, 1 if any mismatch or failure, 2 on usage errors.
# Needs bash 4+, awk, python3 + PyYAML, kubectl, cargo (unless --no-build); not hyperfine.
# To find which tenant/feature causes a mismatch: scripts/tenant-check.sh OUTDIR/fleet.
set -u -o pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tenants=50
seed=0
runs=3
outdir=""
gen="$repo_root/../shared/bench/gen_fleet.py"
krust=""
do_build=1
keep=0

usage() { sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case "$1" in
        -n|--tenants) tenants=$2; shift 2 ;;
        -s|--seed) seed=$2; shift 2 ;;
        -r|--runs) runs=$2; shift 2 ;;
        -o|--out) outdir=$2; shift 2 ;;
        -g|--gen) gen=$2; shift 2 ;;
        -k|--krust) krust=$2; shift 2 ;;
        --no-build) do_build=0; shift ;;
        --keep) keep=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "fleet-check: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

case "$tenants$runs" in *[!0-9]*) echo "fleet-check: -n and -r take integers" >&2; exit 2 ;; esac
[ -f "$gen" ] || { echo "fleet-check: generator not found: $gen" >&2; exit 2; }
command -v kubectl >/dev/null || { echo "fleet-check: kubectl not found" >&2; exit 2; }

# Never write into ../shared (or anywhere below the generator's tree).
shared_dir=$(cd "$(dirname "$gen")/.." && pwd -P)
made_tmp=0
if [ -z "$outdir" ]; then
    outdir=$(mktemp -d "${TMPDIR:-/tmp}/fleet-check.XXXXXX")
    made_tmp=1
else
    mkdir -p "$outdir"
fi
outdir=$(cd "$outdir" && pwd -P)
case "$outdir/" in
    "$shared_dir"/*|"$(cd "$repo_root/.." && pwd -P)/shared/"*)
        echo "fleet-check: refusing to write under $shared_dir" >&2; exit 2 ;;
esac

if [ -z "$krust" ]; then
    krust="${CARGO_TARGET_DIR:-$repo_root/target}/release/krust"
fi
if [ "$do_build" = 1 ]; then
    echo "== cargo build --release -p krust"
    (cd "$repo_root" && cargo build --release -q -p krust) || { echo "fleet-check: build failed" >&2; exit 1; }
fi
[ -x "$krust" ] || { echo "fleet-check: krust binary not found: $krust" >&2; exit 2; }

fleet="$outdir/fleet"
echo "== gen_fleet.py --tenants $tenants --seed $seed --out $fleet"
python3 "$gen" --tenants "$tenants" --seed "$seed" --out "$fleet" --force >/dev/null \
    || { echo "fleet-check: gen_fleet.py failed" >&2; exit 1; }
echo "   commit: $(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo '?')  krust: $krust"

flags=(--reorder=none --load-restrictor=LoadRestrictionsNone)

# timed OUT ERR CMD... : runs CMD once with stdout to OUT and stderr to ERR; prints
# "RC WALL CPU" (seconds; CPU = user+sys of the process and its children, the steadier number
# on a loaded machine). Uses bash's `time` keyword, no external tools.
timed() {
    local out=$1 err=$2 tf rc w u s
    shift 2
    tf=$(mktemp)
    { TIMEFORMAT='%R %U %S'; time { "$@" >"$out" 2>"$err"; echo $? >"$tf.rc"; }; } 2>"$tf"
    read -r w u s <"$tf"
    rc=$(cat "$tf.rc")
    rm -f "$tf" "$tf.rc"
    echo "$rc $w $(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.3f", u + s }')"
}

min() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b + 0 < a + 0) print b; else print a }'; }
ratio() { awk -v k="$1" -v r="$2" 'BEGIN { if (r > 0) printf "%.1f", k / r; else print "inf" }'; }

status=0
summary=()
for env in staging production; do
    dir="$fleet/clusters/$env"
    want="$outdir/$env.kubectl.yaml"
    got="$outdir/$env.krust.yaml"
    echo "== $env"
    # Interleave the runs so both tools see the same machine load; every run's output is
    # kept (the last one is compared), so RUNS=1 means one kubectl run in all.
    tk="" ck="" tr="" cr="" krc=0 rrc=0
    for ((i = 0; i < runs; i++)); do
        read -r krc w c <<<"$(timed "$want" "$want.err" kubectl kustomize "${flags[@]}" "$dir")"
        tk=$(min "$tk" "$w"); ck=$(min "$ck" "$c")
        read -r rrc w c <<<"$(timed "$got" "$got.err" "$krust" build "${flags[@]}" "$dir")"
        tr=$(min "$tr" "$w"); cr=$(min "$cr" "$c")
        [ "$krc" = 0 ] && [ "$rrc" = 0 ] || break
    done
    if [ "$krc" -ne 0 ]; then
        echo "   kubectl failed (exit $krc): $(grep -v '^# Warning\|^Flag --reorder' "$want.err" | head -c 400)"
    fi
    if [ "$rrc" -ne 0 ]; then
        echo "   krust failed (exit $rrc$([ "$rrc" = 101 ] && echo ', PANIC')): $(head -c 600 "$got.err")"
    fi
    if [ "$krc" -eq 0 ] && [ "$rrc" -eq 0 ] && cmp -s "$want" "$got"; then
        result="MATCH"
    else
        result="MISMATCH"
        status=1
        if [ "$krc" -eq 0 ] && [ "$rrc" -eq 0 ]; then
            echo "   $(cmp "$want" "$got" 2>&1 | head -1)"
            echo "   diff (kubectl -> krust), head:"
            diff -u --label kubectl --label krust "$want" "$got" | head -40 | sed 's/^/     /'
            echo "   changed lines: $(diff "$want" "$got" | grep -c '^[<>]')"
        fi
    fi
    echo "   $result  ($(wc -c <"$want") bytes kubectl, $(wc -c <"$got") bytes krust)"
    if [ "$rrc" -eq 0 ] && [ "$krc" -eq 0 ]; then
        ratio_w=$(ratio "$tk" "$tr")
        ratio_c=$(ratio "$ck" "$cr")
    else
        ratio_w="n/a" ratio_c="n/a"
    fi
    echo "   wall (best of $runs): kubectl ${tk}s  krust ${tr}s  ratio kubectl/krust ${ratio_w}x"
    echo "   cpu  (best of $runs): kubectl ${ck}s  krust ${cr}s  ratio kubectl/krust ${ratio_c}x"
    summary+=("$(printf '%-10s %-8s wall: kubectl %7ss krust %7ss %6sx | cpu: kubectl %7ss krust %7ss %6sx' \
        "$env" "$result" "$tk" "$tr" "$ratio_w" "$ck" "$cr" "$ratio_c")")
done

echo "== summary: N=$tenants seed=$seed"
printf '   %s\n' "${summary[@]}"
if [ $status -ne 0 ] || [ $keep = 1 ] || [ $made_tmp = 0 ]; then
    echo "   outputs kept in $outdir"
else
    rm -rf "$outdir"
fi
exit $status
