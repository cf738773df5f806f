#!/usr/bin/env bash
# Writes expected.yaml (or checks expected.error) of every case here with the oracle:
#   kubectl kustomize --enable-helm --helm-command HELM4   (kubectl v1.32 = kustomize v5.5.0
#   on PATH; helm v4.1.4 from ../shared/tools/install-oracles.sh).
# kustomize v5.5.0 checks the helm version with `helm version -c --short` and accepts only
# v3 (kustomize v5.8.1 runs `helm version --short` and accepts v3 and v4), so HELM4 is a
# wrapper that answers that one call with `v3.0.0` and runs helm v4.1.4 unchanged for the
# rest (`helm template`: the output compared here). HELM=helm3 ./regen.sh --check
# compares with Helm v3.17.2 instead and only reports differences.
# A case is a directory with input/ (the kustomization tree, without the chart), CHARTS
# (paths below input/ where a copy of chart-demo/ goes), optional ARGS (extra kubectl
# flags; `--no-enable-helm` drops --enable-helm), optional BUILD (subdirectory of input/ to
# build), and ORACLE (written here). Error cases have a hand-written expected.error:
# each `contains: TEXT` line (`\n` for a line break) must occur in the oracle's message
# (checked here) and in krust's; `krust-contains:` lines only in krust's (where krust
# names more than kustomize does). INPUT stands for the input directory.
# Cases with NO-ORACLE are not run (kustomize would download a chart).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export PATH="$HOME/.cache/krust-oracles/bin:$PATH"
kubectl_version=$(kubectl version --client 2>/dev/null | tr '\n' ' ')
helm_bin=$(command -v "${HELM:-helm}")
helm_version=$("$helm_bin" version --short)
wrapper=$(mktemp)
printf '#!/bin/sh\nif [ "$1" = version ]; then echo v3.0.0; exit 0; fi\nexec %s "$@"\n' "$helm_bin" > "$wrapper"
chmod +x "$wrapper"
check=${1:-}
for case in "$here"/*/; do
  case=${case%/}
  [ -d "$case/input" ] || continue
  [ -e "$case/NO-ORACLE" ] && continue
  tmp=$(mktemp -d)
  cp -r "$case/input/." "$tmp/"
  while read -r dest; do
    [ -n "$dest" ] || continue
    mkdir -p "$tmp/$(dirname "$dest")"
    cp -r "$here/chart-demo" "$tmp/$dest"
  done < "$case/CHARTS"
  args=(--enable-helm --helm-command "$wrapper")
  if [ -e "$case/ARGS" ]; then
    read -r -a extra < "$case/ARGS"
    if [ "${extra[0]:-}" = "--no-enable-helm" ]; then args=(); extra=("${extra[@]:1}"); fi
    args+=("${extra[@]}")
  fi
  dir=$tmp
  [ -e "$case/BUILD" ] && dir="$tmp/$(cat "$case/BUILD")"
  if out=$(kubectl kustomize "${args[@]}" "$dir" 2>"$tmp.err"); then
    if [ "$check" = --check ]; then
      diff <(printf '%s\n' "$out") "$case/expected.yaml" > "$tmp.diff" || { echo "== $(basename "$case") differs with $helm_version:"; cat "$tmp.diff"; }
      rm -rf "$tmp" "$tmp.err" "$tmp.diff"
      continue
    fi
    printf '%s\n' "$out" > "$case/expected.yaml"
  else
    [ -e "$case/expected.error" ] || { echo "$(basename "$case"): oracle failed: $(cat "$tmp.err")" >&2; exit 1; }
    msg=$(sed -e "s#$tmp#INPUT#g" -e "s/^\t//" "$tmp.err")
    while IFS= read -r line; do
      text=${line#contains: }
      [ "$text" = "$line" ] && continue
      text=$(printf '%b' "$text")
      case "$msg" in
        *"$text"*) ;;
        *) echo "$(basename "$case"): oracle message lacks: $text" >&2; echo "$msg" >&2; exit 1 ;;
      esac
    done < "$case/expected.error"
  fi
  [ "$check" = --check ] || printf 'kubectl kustomize %s (%s; helm %s behind a wrapper answering the v3-only version check of kustomize v5.5.0)\n' "${args[*]/$wrapper/HELM4}" "$kubectl_version" "$helm_version" > "$case/ORACLE"
  rm -rf "$tmp" "$tmp.err"
done
rm -f "$wrapper"
