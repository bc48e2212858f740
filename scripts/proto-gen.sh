#!/usr/bin/env bash
# Generates TypeScript for every contract in proto/ into libs/contracts/src/generated
# with buf (from npm) and ts-proto. Skips the work when no .proto changed since the
# last run, so build, typecheck and test can all call it cheaply.
set -euo pipefail
cd "$(dirname "$0")/.."
out=libs/contracts/src/generated
stamp="$out/.proto-hash"
hash=$( { find proto -name '*.proto' -type f -print0 | sort -z | xargs -0 sha256sum; sha256sum buf.gen.yaml; } | sha256sum | cut -d' ' -f1)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$hash" ]]; then
  exit 0
fi
rm -rf "$out"
npx --no-install buf generate
echo "$hash" > "$stamp"
echo "proto: generated TypeScript into $out"
