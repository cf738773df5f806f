#!/usr/bin/env bash
# compare.sh - build a gen_fleet.py fleet with kubectl kustomize and with krust, side by side.
#
# Usage: benches/compare.sh [-n TENANTS] [-s SEED] [-r RUNS] [-e ENV] [-k KRUST] [--no-kubectl]
#   -n TENANTS   tenants for gen_fleet.py (default 200; kubectl takes ~35 min at 1000)
#   -s SEED      gen_fleet.py seed (default 0)
#   -r RUNS      runs per tool, alternating kubectl/krust; minimums are reported (default 3)
#   -e ENV       cluster to build: production or staging (default production)
#   -k KRUST     binary run as `KRUST build ...` (krust, or kbuild) (default: target/release/krust if it
#                builds, else target/release/kbuild from the krust-benches crate)
#   --no-kubectl time krust only (quote kubectl's figure from an earlier run)
# Both tools run as: TOOL --reorder=none --load-restrictor=LoadRestrictionsNone DIR (kubectl
# with `kustomize`, krust with `build`). Prints wall time, CPU time (user+sys) and peak RSS
# (from /usr/bin/time -v) of each, kubectl/krust ratios, and whether the outputs are
# byte-identical. Needs python3, /usr/bin/time, kubectl (unless --no-kubectl).
set -u -o pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tenants=200 seed=0 runs=3 env=production krust="" kubectl=1
while [ $# -gt 0 ]; do
    case "$1" in
        -n) tenants=$2; shift 2 ;;
        -s) seed=$2; shift 2 ;;
        -r) runs=$2; shift 2 ;;
        -e) env=$2; shift 2 ;;
        -k) krust=$2; shift 2 ;;
        --no-kubectl) kubectl=0; shift ;;
        -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "compare: unknown argument $1" >&2; exit 2 ;;
    esac
done
gen="$root/../shared/bench/gen_fleet.py"
[ -f "$gen" ] || { echo "compare: $gen not found" >&2; exit 2; }
target="${CARGO_TARGET_DIR:-$root/target}/release"
if [ -z "$krust" ]; then
    if (cd "$root" && cargo build --release -q -p krust 2>/dev/null); then
        krust="$target/krust"
    else
        echo "compare: krust does not build now; using kbuild (krust-benches)" >&2
        (cd "$root" && cargo build --release -q -p krust-benches --bin kbuild) || exit 1
        krust="$target/kbuild"
    fi
fi
sub=(build)
work=$(mktemp -d "${TMPDIR:-/tmp}/krust-compare.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 "$gen" --tenants "$tenants" --seed "$seed" --out "$work/fleet" --force >/dev/null || exit 1
dir="$work/fleet/clusters/$env"
flags=(--reorder=none --load-restrictor=LoadRestrictionsNone)

# run NAME OUT CMD...: one run; appends "wall cpu rss_kb" to $work/NAME.times.
run() {
    local name=$1 out=$2; shift 2
    /usr/bin/time -v -o "$work/$name.tv" "$@" >"$out" 2>"$work/$name.err" || {
        echo "compare: $name failed: $(head -c 300 "$work/$name.err")" >&2; return 1; }
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
        /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident/ { m = $2 }
        END { printf "%.3f %.3f %d\n", w, u + s, m }' "$work/$name.tv" >>"$work/$name.times"
}
for ((i = 0; i < runs; i++)); do
    if [ $kubectl = 1 ]; then run kubectl "$work/kubectl.yaml" kubectl kustomize "${flags[@]}" "$dir" || exit 1; fi
    run krust "$work/krust.yaml" "$krust" "${sub[@]}" "${flags[@]}" "$dir" || exit 1
done
best() { sort -n -k"$2" "$work/$1.times" | head -1 | awk -v c="$2" '{ print $c }'; }
echo "fleet: $tenants tenants, seed $seed, clusters/$env, $runs run(s) each, minimums"
printf '%-8s %10s %10s %12s\n' tool wall_s cpu_s peak_rss_MB
for t in kubectl krust; do
    [ -f "$work/$t.times" ] || continue
    printf '%-8s %10s %10s %12.1f\n' "$t" "$(best $t 1)" "$(best $t 2)" "$(awk -v k="$(best $t 3)" 'BEGIN{print k/1024}')"
done
if [ $kubectl = 1 ]; then
    awk -v kw="$(best kubectl 1)" -v rw="$(best krust 1)" -v kc="$(best kubectl 2)" -v rc="$(best krust 2)" \
        -v km="$(best kubectl 3)" -v rm="$(best krust 3)" 'BEGIN {
        printf "ratio kubectl/krust: wall %.1fx  cpu %.1fx  peak RSS %.1fx\n", kw / (rw > 0 ? rw : 0.001), kc / (rc > 0 ? rc : 0.001), km / rm }'
    if cmp -s "$work/kubectl.yaml" "$work/krust.yaml"; then
        echo "outputs: identical ($(wc -c <"$work/krust.yaml") bytes)"
    else
        echo "outputs: DIFFERENT ($(cmp "$work/kubectl.yaml" "$work/krust.yaml" 2>&1 | head -1))"
        exit 1
    fi
fi
