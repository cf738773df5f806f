#!/usr/bin/env bash
# template-compare.sh - `helm template` and `krust template` side by side over the
# helm-template conformance corpus (../shared/conformance/helm-template).
#
# Usage: benches/template-compare.sh [-r RUNS] [-k KRUST] [-H HELM] [-c CORPUS] [-v] [CASE...]
#   -r RUNS    repetitions; each case runs helm then krust, alternating, RUNS times, and the
#              minimum of each tool's runs is kept per case (default 3)
#   -k KRUST   krust binary (default: target/release/krust, built with cargo if missing)
#   -H HELM    helm binary (default: $HOME/.cache/krust-oracles/bin/helm, Helm v4.1.4)
#   -c CORPUS  corpus folder (default: ../shared/conformance/helm-template)
#   -v         print each case's figures
#   CASE...    only these cases (folder names under cases/)
# Every case runs from the corpus folder exactly as its README says:
#   TOOL template <release> charts/<chart> --namespace <ns> <args...> -f <values...> --set <set...>
# helm gets empty HELM_{CACHE,CONFIG,DATA}_HOME folders, as regenerate.sh gives it. Prints the
# total wall time and CPU time (user+sys of the child) of each tool over all cases (sum of the
# per-case minima), the helm/krust ratios, and the outputs check: for a success case both
# stdouts, masked with the case's `mask` regexps, must equal expected.yaml; for an error case
# both must exit non-zero with the `error` text in stderr. Timing uses bash's EPOCHREALTIME and
# the `times` builtin (no extra processes inside the timed span). Needs bash >= 5 and python3
# (standard library, only to read case.yaml and apply masks, outside the timed span).
set -u -o pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=3 krust="" helm="$HOME/.cache/krust-oracles/bin/helm" corpus="$root/../shared/conformance/helm-template"
verbose=0
only=()
while [ $# -gt 0 ]; do
    case "$1" in
        -r) runs=$2; shift 2 ;;
        -k) krust=$2; shift 2 ;;
        -H) helm=$2; shift 2 ;;
        -c) corpus=$2; shift 2 ;;
        -v) verbose=1; shift ;;
        -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "template-compare: unknown argument $1" >&2; exit 2 ;;
        *) only+=("$1"); shift ;;
    esac
done
[ -d "$corpus/cases" ] || { echo "template-compare: no corpus at $corpus" >&2; exit 2; }
corpus=$(cd "$corpus" && pwd)
[ -x "$helm" ] || { echo "template-compare: helm not found at $helm (bash ../shared/tools/install-oracles.sh)" >&2; exit 2; }
if [ -z "$krust" ]; then
    krust="${CARGO_TARGET_DIR:-$root/target}/release/krust"
    if [ ! -x "$krust" ]; then
        (cd "$root" && cargo build --release -q -p krust) || exit 1
    fi
fi
case "$krust" in /*) ;; *) krust="$PWD/$krust" ;; esac
case "$helm" in /*) ;; *) helm="$PWD/$helm" ;; esac

work=$(mktemp -d "${TMPDIR:-/tmp}/template-compare.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/helm/cache" "$work/helm/config" "$work/helm/data" "$work/cases"
export HELM_CACHE_HOME="$work/helm/cache" HELM_CONFIG_HOME="$work/helm/config" HELM_DATA_HOME="$work/helm/data"
unset HELM_NAMESPACE HELM_KUBECONTEXT HELM_KUBEAPISERVER HELM_KUBETOKEN HELM_DEBUG
echo "helm:  $("$helm" version --template '{{.Version}}' 2>/dev/null) ($helm)"
echo "krust: $krust"

# Each case.yaml becomes $work/cases/NAME.args (the arguments after the tool name, NUL
# separated), NAME.error (the expected stderr text, error cases only) and NAME.masks.
python3 - "$corpus" "$work/cases" "${only[@]}" <<'PYTHON' || exit 2
import json, os, re, sys
corpus, out, names = sys.argv[1], sys.argv[2], sys.argv[3:]
cases = names or sorted(d for d in os.listdir(os.path.join(corpus, "cases"))
                        if os.path.isfile(os.path.join(corpus, "cases", d, "case.yaml")))
for name in cases:
    path = os.path.join(corpus, "cases", name, "case.yaml")
    if not os.path.isfile(path):
        sys.exit(f"template-compare: no such case {name}")
    case, key = {}, None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = re.match(r"^\s+-\s+(.*)$", line)
        if item and isinstance(case.get(key), list):
            raw = item.group(1).strip()
            case[key].append(json.loads(raw) if raw[:1] == '"' else raw)
            continue
        m = re.match(r"^([A-Za-z_]+):\s*(.*)$", line)
        key, raw = m.group(1), m.group(2).strip()
        case[key] = [] if raw == "" else json.loads(raw) if raw[:1] in ('"', "[") else raw
    args = ["template", case["release"], "charts/" + case["chart"], "--namespace", case["namespace"]]
    args += case.get("args", [])
    for v in case.get("values", []):
        args += ["-f", v]
    for s in case.get("set", []):
        args += ["--set", s]
    with open(os.path.join(out, name + ".args"), "wb") as f:
        f.write(b"".join(a.encode() + b"\0" for a in args))
    if "error" in case:
        open(os.path.join(out, name + ".error"), "w").write(case["error"])
    open(os.path.join(out, name + ".masks"), "w").write(json.dumps(case.get("mask", [])))

PYTHON
mapfile -t cases < <(cd "$work/cases" && ls -1 *.args | sed 's/\.args$//')

# cpu_us: user+sys of finished children of this shell, in microseconds (bash `times`).
cpu_us() {
    local line1 line2 u s
    times >"$work/times"
    { read -r line1; read -r line2; } <"$work/times"
    read -r u s <<<"$line2"
    CPU=$(( $(to_us "$u") + $(to_us "$s") ))
}
# to_us 1m2.345s -> microseconds.
to_us() {
    local t=$1 m s
    m=${t%%m*}; s=${t#*m}; s=${s%s}
    local whole=${s%.*} frac=${s#*.}
    frac=$(printf '%-6s' "$frac"); frac=${frac// /0}
    echo $(( (10#$m * 60 + 10#$whole) * 1000000 + 10#$frac ))
}
now_us() { local t=${EPOCHREALTIME/[.,]/}; NOW=$((10#$t)); }

# run TOOL NAME OUT: one timed run; sets WALL, CPUT (microseconds) and RC.
run() {
    local tool=$1 name=$2 out=$3 args c0 t0
    mapfile -d '' -t args <"$work/cases/$name.args"
    cpu_us; c0=$CPU; now_us; t0=$NOW
    (cd "$corpus" && exec "$tool" "${args[@]}" </dev/null >"$out.out" 2>"$out.err")
    RC=$?
    now_us; cpu_us
    WALL=$((NOW - t0)); CPUT=$((CPU - c0))
}

declare -A hw hc kw kc
for ((r = 1; r <= runs; r++)); do
    for name in "${cases[@]}"; do
        for tool in helm krust; do
            if [ "$tool" = helm ]; then bin=$helm; else bin=$krust; fi
            run "$bin" "$name" "$work/$tool-$name"
            echo "$RC" >"$work/$tool-$name.rc"
            key="$name"
            if [ "$tool" = helm ]; then
                [ -z "${hw[$key]:-}" ] || [ "$WALL" -lt "${hw[$key]}" ] && hw[$key]=$WALL
                [ -z "${hc[$key]:-}" ] || [ "$CPUT" -lt "${hc[$key]}" ] && hc[$key]=$CPUT
            else
                [ -z "${kw[$key]:-}" ] || [ "$WALL" -lt "${kw[$key]}" ] && kw[$key]=$WALL
                [ -z "${kc[$key]:-}" ] || [ "$CPUT" -lt "${kc[$key]}" ] && kc[$key]=$CPUT
            fi
        done
    done
    echo "run $r/$runs done" >&2
done

# Outputs check (outside the timed span).
check=$(python3 - "$corpus" "$work" "${cases[@]}" <<'PYTHON'
import json, os, re, sys
corpus, work, names = sys.argv[1], sys.argv[2], sys.argv[3:]
bad = 0
for name in names:
    masks = [re.compile(m) for m in json.load(open(os.path.join(work, "cases", name + ".masks")))]
    def mask(text):
        lines = text.split("\n")
        for i, line in enumerate(lines):
            for r in masks:
                line = r.sub("MASKED", line)
            lines[i] = line
        return "\n".join(lines)
    err_path = os.path.join(work, "cases", name + ".error")
    for tool in ("helm", "krust"):
        base = os.path.join(work, f"{tool}-{name}")
        rc = int(open(base + ".rc").read())
        if os.path.exists(err_path):
            want = open(err_path).read()
            stderr = open(base + ".err", encoding="utf-8", errors="replace").read()
            if rc == 0 or want not in stderr:
                bad += 1
                print(f"  {tool:5} {name}: expected an error containing {want!r}, got rc={rc}")
            continue
        expected = open(os.path.join(corpus, "cases", name, "expected.yaml"), encoding="utf-8").read()
        got = mask(open(base + ".out", encoding="utf-8", errors="replace").read())
        if rc != 0 or got != expected:
            bad += 1
            print(f"  {tool:5} {name}: rc={rc}, output {'equal' if got == expected else 'differs'}")
print(f"outputs: {len(names)} cases, {bad} mismatches")
PYTHON
)

th_w=0 th_c=0 tk_w=0 tk_c=0
for name in "${cases[@]}"; do
    th_w=$((th_w + hw[$name])); th_c=$((th_c + hc[$name]))
    tk_w=$((tk_w + kw[$name])); tk_c=$((tk_c + kc[$name]))
    if [ "$verbose" = 1 ]; then
        awk -v n="$name" -v a="${hw[$name]}" -v b="${kw[$name]}" -v c="${hc[$name]}" -v d="${kc[$name]}" \
            'BEGIN { printf "%-50s wall helm %7.1f ms krust %6.1f ms   cpu helm %7.1f ms krust %6.1f ms\n", n, a/1000, b/1000, c/1000, d/1000 }'
    fi
done
echo "$check"
awk -v n="${#cases[@]}" -v r="$runs" -v hw="$th_w" -v hc="$th_c" -v kw="$tk_w" -v kc="$tk_c" 'BEGIN {
    printf "cases: %d, runs: %d (alternating helm/krust per case; minimum per case)\n", n, r
    printf "%-6s %12s %12s\n", "", "wall", "cpu(u+s)"
    printf "%-6s %10.3f s %10.3f s\n", "helm", hw/1e6, hc/1e6
    printf "%-6s %10.3f s %10.3f s\n", "krust", kw/1e6, kc/1e6
    printf "%-6s %11.1fx %11.1fx\n", "ratio", (kw > 0 ? hw/kw : 0), (kc > 0 ? hc/kc : 0)
}'
case "$check" in *", 0 mismatches") exit 0 ;; *) exit 1 ;; esac
