#!/usr/bin/env bash
# Regenerates expected/*.yaml with the oracle (helm v4.1.4); see README.md.
set -euo pipefail
cd "$(dirname "$0")"
helm="${KRUST_ORACLES:-$HOME/.cache/krust-oracles/bin}/helm"
"$helm" version --short | grep -q '^v4.1.4' || { echo "need helm v4.1.4" >&2; exit 1; }
mkdir -p expected
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
# spec.values of each HelmRelease in repo/clusters/dev/releases.yaml (no valuesFrom).
printf 'replicas: 2\ngreeting: hello from spec.values\n' > "$tmp/app.yaml"
printf 'message: from the web release\n' > "$tmp/web.yaml"
"$helm" template prod-app repo/charts/app -n prod -f repo/charts/app/values.yaml \
  -f repo/envs/prod-values.yaml -f "$tmp/app.yaml" > expected/app.yaml
"$helm" template web charts/web-1.2.0.tgz -n apps -f "$tmp/web.yaml" > expected/web.yaml
"$helm" template oci-web charts/web-2.0.0.tgz -n apps > expected/oci-web.yaml
# The Kustomization flux-system/flux-system's build (clusters/dev has no kustomization
# file: kustomize-controller generates one listing its YAML files; Flux does not reorder).
kubectl="${KRUST_ORACLES:-$HOME/.cache/krust-oracles/bin}/kubectl-1.35"
mkdir -p "$tmp/ks"
cp repo/clusters/dev/releases.yaml "$tmp/ks/"
printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- releases.yaml\n' \
  > "$tmp/ks/kustomization.yaml"
"$kubectl" kustomize --reorder=none "$tmp/ks" 2>/dev/null > expected/flux-system--flux-system.yaml
# clusters/strategies: the dup chart (no spec.values) as helm template prints it.
"$helm" template separate repo/charts/dup -n apps > expected/separate.yaml
"$helm" template combined repo/charts/dup -n apps > expected/combined.yaml
# clusters/refs: chartRef HelmChart (web "~1.0.0" from charts/) and chartRef OCIRepository
# mapped to src/web (releaseName mapped).
printf 'message: through a HelmChart\n' > "$tmp/from-helmchart.yaml"
"$helm" template from-helmchart charts/web-1.0.0.tgz -n apps -f "$tmp/from-helmchart.yaml" \
  > expected/from-helmchart.yaml
"$helm" template mapped src/web -n apps > expected/from-oci.yaml
