#!/usr/bin/env bash
# Builds one image per Lighthouse service from the repository root with deploy/docker/Dockerfile:
#   deploy/docker/build-images.sh [app ...]        (default: every service)
# Environment: REGISTRY (prefix, default "lighthouse"), TAG (default "dev"), DOCKER (default docker).
# mcp-adapter runs on developer machines (npx lighthouse-mcp), so it has no image.
set -euo pipefail
cd "$(dirname "$0")/../.."
registry="${REGISTRY:-lighthouse}"
tag="${TAG:-dev}"
docker="${DOCKER:-docker}"
apps=("$@")
if [ ${#apps[@]} -eq 0 ]; then
  for main in apps/*/src/main.ts; do
    app="$(basename "$(dirname "$(dirname "$main")")")"
    [ "$app" = mcp-adapter ] || apps+=("$app")
  done
fi
for app in "${apps[@]}"; do
  target=service
  [ "$app" = fuse-mounter ] && target=fuse-mounter
  echo "building $registry/$app:$tag (target $target)"
  "$docker" build -f deploy/docker/Dockerfile --build-arg "APP=$app" --target "$target" -t "$registry/$app:$tag" .
done
