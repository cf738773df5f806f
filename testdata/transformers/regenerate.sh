#!/usr/bin/env bash
# regenerate.sh - (re)writes expected.yaml / error.txt of every case under testdata/transformers/
# (or of the cases named, as paths relative to this directory: `namespace/deployment`) from kubectl.
#
# A case is a directory <transformer>/<case>/ (or pending/<case>/) holding kustomization.yaml and its
# inputs; a file BUILD, when present, names the subdirectory to build instead (an overlay). Each case is
# built with `kubectl kustomize --reorder=none` of kubectl v1.32 (kustomize v5.5.0) and kubectl 1.35
# (kustomize v5.7.1, $HOME/.cache/krust-oracles/bin). When both agree, their output is written to
# expected.yaml, or when both fail, v1.32's message (the case path replaced by INPUT) to error.txt,
# and ORACLE in the case says which kubectl produced it. When they disagree nothing is written unless
# the case holds VERSION-DIFFERENCE (then both outputs go to expected.v5.5.0.yaml / expected.v5.7.1.yaml
# and expected.yaml is written by hand from kustomize v5.8.1, as VERSION-DIFFERENCE explains).
set -uo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
k132=kubectl
k135="$HOME/.cache/krust-oracles/bin/kubectl-1.35"
v132="kubectl $($k132 version --client 2>/dev/null | sed -n 's/Client Version: //p') (kustomize $($k132 version --client 2>/dev/null | sed -n 's/Kustomize Version: //p'))"
v135="kubectl $($k135 version --client 2>/dev/null | sed -n 's/Client Version: //p') (kustomize $($k135 version --client 2>/dev/null | sed -n 's/Kustomize Version: //p'))"
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  mapfile -t cases < <(cd "$root" && find . -mindepth 2 -maxdepth 2 -type d | sed 's#^\./##' | sort)
fi
status=0
for c in "${cases[@]}"; do
  d="$root/$c"
  b="$d"
  [ -f "$d/BUILD" ] && b="$d/$(head -n1 "$d/BUILD")"
  o1=$($k132 kustomize --reorder=none "$b" 2>/tmp/transformers.e1); r1=$?
  o2=$($k135 kustomize --reorder=none "$b" 2>/tmp/transformers.e2); r2=$?
  # The message without the deprecation warnings and klog lines, Go pointers written `0xc...` (v1.32
  # prints some messages only on its klog line: take 1.35's then).
  clean() { sed "s#$d#INPUT#g" "$1" | grep -v '^Flag --reorder has been deprecated' | grep -v '^E[0-9]* ' | grep -v '^# Warning' | sed -E 's/^error: //; s/0xc[0-9a-f]+/0xc.../g'; }
  e1=$(clean /tmp/transformers.e1); e2=$(clean /tmp/transformers.e2)
  [ -z "$(echo "$e1" | tr -d '[:space:]')" ] && e1=$e2
  if [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ "$o1" == "$o2" ]; then
    printf '%s\n' "$o1" > "$d/expected.yaml"; rm -f "$d/error.txt"
    echo "expected.yaml: $v132 and $v135, \`kubectl kustomize --reorder=none\`, identical" > "$d/ORACLE"
    echo "$c: ok"
  elif [ $r1 -ne 0 ] && [ $r2 -ne 0 ]; then
    printf '%s\n' "$e1" > "$d/error.txt"; rm -f "$d/expected.yaml"
    { echo "error.txt: $v132's message (or $v135's when v1.32 prints it only on its klog line); $v135 fails too"; [ "$e1" == "$e2" ] || printf '%s message:\n%s\n' "$v135" "$e2"; } > "$d/ORACLE"
    echo "$c: both fail: ${e1:0:160}"
  elif [ -f "$d/VERSION-DIFFERENCE" ]; then
    { [ $r1 -eq 0 ] && printf '%s\n' "$o1" || printf 'error: %s\n' "$e1"; } > "$d/expected.v5.5.0.yaml"
    { [ $r2 -eq 0 ] && printf '%s\n' "$o2" || printf 'error: %s\n' "$e2"; } > "$d/expected.v5.7.1.yaml"
    echo "expected.v5.5.0.yaml: $v132; expected.v5.7.1.yaml: $v135; they differ, expected.yaml follows kustomize v5.8.1 (VERSION-DIFFERENCE)" > "$d/ORACLE"
    echo "$c: version difference recorded"
  else
    echo "$c: kubectl versions DIFFER (v1.32 rc=$r1, 1.35 rc=$r2): add VERSION-DIFFERENCE and write expected.yaml from v5.8.1"
    diff <(echo "$o1$e1") <(echo "$o2$e2") | head -20
    status=1
  fi
done
exit $status
