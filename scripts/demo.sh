#!/usr/bin/env bash
# `npm run demo`: from a fresh clone to a delivered campaign — installs, builds,
# provisions and starts the local infrastructure and the five services (they keep
# running afterwards; `npm run stop` stops everything), then sends a personalised
# campaign to 1,000 demo subscribers and reports what was delivered.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npm run --silent build
bash deploy/local/infra.sh up
bash deploy/local/services.sh start
eval "$(bash deploy/local/infra.sh env)"
node dist/tools/demo/demo-campaign.js
echo
echo "Services keep running (bash deploy/local/services.sh status). Stop everything with: npm run stop"
