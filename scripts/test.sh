#!/usr/bin/env bash
# Every check and every test: formatting and lint, types, unit and integration tests (each suite on its
# own private redis-server), then the end-to-end tests in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "== lint and format (biome)"
pnpm run lint
echo "== types (tsc)"
pnpm run typecheck
echo "== unit and integration tests (vitest)"
pnpm run test:unit
echo "== dashboard build (vite)"
pnpm --filter @streamscope/web run build
echo "== end-to-end tests (Playwright, Debian Chromium)"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 pnpm --filter @streamscope/e2e run test
