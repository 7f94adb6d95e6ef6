#!/usr/bin/env bash
# One-time set-up of a fresh Debian machine (as root): system packages, npm dependencies, the build, and a
# real VS Code (code-server) for the UI tests. Idempotent: re-running skips what is there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
T0=$(date +%s)
log() { printf '[setup %4ss] %s\n' "$(( $(date +%s) - T0 ))" "$*"; }

PKGS=(docker.io iptables openssh-server openssh-client busybox-static iproute2 bridge-utils conntrack ipvsadm ipset sudo openssl
      util-linux procps psmisc chromium libkrb5-dev pkg-config ripgrep python3
      netbase unzip)
missing=()
for p in "${PKGS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  log 'npm ci'
  npm ci --no-audit --no-fund --loglevel=error
fi
if [[ ! -d tools/eslint/node_modules || tools/eslint/package-lock.json -nt tools/eslint/node_modules/.package-lock.json ]]; then
  log 'npm ci (eslint, tools/eslint)'
  npm run --silent setup:eslint
fi
log 'build'
npm run --silent build
if [[ "${SWARMNET_SKIP_UI:-}" != 1 ]]; then
  log 'code-server for the UI tests'
  bash scripts/install-code-server.sh
fi
log 'done'
