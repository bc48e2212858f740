#!/usr/bin/env bash
# Installs npm dependencies exactly as locked (npm ci) when node_modules is
# missing or was installed from a different package-lock.json; otherwise a no-op.
set -euo pipefail
cd "$(dirname "$0")/.."
# A git worktree that borrows another checkout's node_modules through a symlink
# must never reinstall: npm ci would wipe the shared tree under the other checkout.
if [[ -L node_modules ]]; then
  exit 0
fi
want=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.postline-lock-hash
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi
echo "deps: installing npm dependencies (npm ci)"
npm ci --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"
