#!/usr/bin/env bash
# Renders the Helm chart for each values file into tools/deploy/helm-rendered/<env>.yaml, with
# the chart's hash on the first line. The deploy tests validate these files against the
# Kubernetes schemas and our invariants (CI has no helm), and fail when the chart changed after
# the last render. Run it after any change to deploy/helm/lighthouse (needs helm 3).
set -euo pipefail
cd "$(dirname "$0")/../.."
helm="${HELM:-helm}"
command -v "$helm" >/dev/null || { echo "helm 3 is needed to render the chart (set HELM=/path/to/helm)" >&2; exit 1; }
chart=deploy/helm/lighthouse
out=tools/deploy/helm-rendered
mkdir -p "$out"
hash="$(node tools/deploy/chart-hash.mjs "$chart")"
"$helm" lint "$chart" -f "$chart/values-dev.yaml" -f "$chart/values-prod.yaml" >/dev/null
for values in "$chart"/values-*.yaml; do
  env="$(basename "$values" .yaml)"; env="${env#values-}"
  {
    echo "# chart-sha256: $hash"
    echo "# rendered by tools/deploy/render-helm.sh with $("$helm" version --short): helm template lighthouse $chart -n lighthouse-$env -f $values"
    "$helm" template lighthouse "$chart" -n "lighthouse-$env" -f "$values"
  } > "$out/$env.yaml"
  echo "$out/$env.yaml"
done
