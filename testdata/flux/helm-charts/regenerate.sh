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
