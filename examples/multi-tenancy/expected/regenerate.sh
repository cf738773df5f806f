#!/usr/bin/env bash
# Regenerates the oracle renders of the example's podinfo HelmRelease, one per environment:
#   expected/<env>--team-a--podinfo.yaml
# Produced by the oracles, not by krust:
#   1. `kubectl-1.35 kustomize clusters/<env>` (kustomize v5.7.1) builds the environment;
#   2. the HelmRelease team-a/podinfo's values are composed as helm-controller composes
#      them (this release has only `spec.values`, no valuesFrom, so that is `spec.values`);
#   3. `helm template <releaseName> charts/podinfo -n <namespace> -f values.yaml`
#      (helm v4.1.4) renders the chart.
# Usage: examples/multi-tenancy/expected/regenerate.sh (oracles from
# ../shared/tools/install-oracles.sh in $HOME/.cache/krust-oracles/bin).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
example="$(dirname "$here")"
bin="${KRUST_ORACLES:-$HOME/.cache/krust-oracles/bin}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$bin/helm" version --short | grep -q '^v4.1.4' || { echo "need helm v4.1.4 in $bin" >&2; exit 1; }
for env in staging production; do
  "$bin/kubectl-1.35" kustomize "$example/clusters/$env" > "$tmp/$env.yaml"
  python3 - "$tmp/$env.yaml" "$tmp/$env-values.yaml" "$tmp/$env-release" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
hr = next(d for d in docs if d["kind"] == "HelmRelease"
          and d["metadata"]["namespace"] == "team-a" and d["metadata"]["name"] == "podinfo")
spec = hr["spec"]
assert not spec.get("valuesFrom"), "valuesFrom would need helm-controller's composition"
yaml.safe_dump(spec.get("values") or {}, open(sys.argv[2], "w"))
ns = spec.get("targetNamespace") or hr["metadata"]["namespace"]
name = spec.get("releaseName") or (spec["targetNamespace"] + "-" + hr["metadata"]["name"]
                                   if spec.get("targetNamespace") else hr["metadata"]["name"])
open(sys.argv[3], "w").write(f"{name} {ns}\n")
PY
  read -r release ns < "$tmp/$env-release"
  "$bin/helm" template "$release" "$example/charts/podinfo" -n "$ns" -f "$tmp/$env-values.yaml" \
    > "$here/$env--team-a--podinfo.yaml"
  echo "wrote $here/$env--team-a--podinfo.yaml"
done
