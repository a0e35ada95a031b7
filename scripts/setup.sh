#!/usr/bin/env bash
# Everything the run and test commands need, installed only when missing: quick when all is there.
# `setup.sh test` (the default) needs Chromium for the end-to-end tests; `setup.sh run` does not, and goes on without
# a redis-server it may not install: the server says itself when it needs one (none answers on the address given).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-test}

# Playwright must never try to download a browser: the end-to-end tests use Debian's Chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

pnpm_version=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$pnpm_version" ]; then
  echo "setup: installing pnpm $pnpm_version"
  npm install --global --no-fund --no-audit "pnpm@$pnpm_version" >/dev/null
fi

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server redis-tools)
if [ "$mode" = test ]; then command -v chromium >/dev/null 2>&1 || missing+=(chromium); fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root" >&2
    [ "$mode" = run ] || exit 1
    missing=()
  fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} from Debian"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

pnpm install --frozen-lockfile --prefer-offline
