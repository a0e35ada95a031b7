#!/usr/bin/env bash
# Runs Streamscope: sets up what is missing, builds the dashboard when its sources changed, starts the server.
# Flags go to the server: npm start -- --port 9000 --redis-url redis://cache:6379
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh run

dist=apps/web/dist/index.html
if [ ! -f "$dist" ] || [ -n "$(find apps/web/src apps/web/index.html apps/web/vite.config.ts packages/protocol/src -newer "$dist" -print -quit)" ]; then
  echo "start: building the dashboard"
  pnpm --filter @streamscope/web run build >/dev/null
fi

# The server runs from its TypeScript sources (tsx), so there is no second build to keep in step.
exec node --conditions=@streamscope/source --import tsx apps/server/src/main.ts "$@"
