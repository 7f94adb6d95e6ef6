#!/usr/bin/env bash
# Idempotent install of code-server (a real VS Code 1.100 served to a browser) into .tools/ for the UI tests.
# Follows /work/shared/notes/vscode-ui-recipe.md. Needs root (apt), Node 20, the npm registry and Debian apt.
# Every finished step leaves a stamp in .tools/stamps/; re-running skips those steps. FORCE=1 redoes everything.
#
# Usage: bash scripts/install-code-server.sh            (installs into <repo>/.tools)
#        TOOLS_DIR=/some/dir bash scripts/install-code-server.sh
set -euo pipefail

CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.100.3}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${TOOLS_DIR:-$REPO_ROOT/.tools}"
STAMPS="$TOOLS_DIR/stamps"
CS_DIR="$TOOLS_DIR/node_modules/code-server"
VSCODE_DIR="$CS_DIR/lib/vscode"
T0=$(date +%s)

log() { printf '[install-code-server %4ss] %s\n' "$(( $(date +%s) - T0 ))" "$*"; }
die() { printf '[install-code-server] ERROR: %s\n' "$*" >&2; exit 1; }

# step <name> <function>: runs the function unless its stamp exists; prints the step's duration.
step() {
  local name="$1" fn="$2" s
  if [[ -z "${FORCE:-}" && -f "$STAMPS/$name" ]]; then
    log "skip  $name (done $(cat "$STAMPS/$name"))"
    return 0
  fi
  s=$(date +%s)
  log "start $name"
  "$fn"
  date -u +%FT%TZ > "$STAMPS/$name"
  log "done  $name in $(( $(date +%s) - s ))s"
}

[[ "$(id -u)" == "0" ]] || die "run as root (apt-get install is needed)"
command -v node >/dev/null || die "node is not installed"
NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
[[ "$NODE_MAJOR" == "20" ]] || die "code-server $CODE_SERVER_VERSION needs Node 20 (found $(node -v))"
mkdir -p "$STAMPS"
# stamps are only trusted while what they stand for is there: a removed or different code-server redoes the npm steps
installed_version="$(node -p "require('$CS_DIR/package.json').version" 2>/dev/null || true)"
if [[ -z "${FORCE:-}" && -f "$STAMPS/02-npm-code-server" && ( ! -f "$CS_DIR/out/node/entry.js" || "$installed_version" != "$CODE_SERVER_VERSION" ) ]]; then
  log "code-server ${installed_version:-missing} in $CS_DIR is not $CODE_SERVER_VERSION: redoing the install steps"
  find "$STAMPS" -name '0[2-9]-*' -delete
fi

# node-gyp: the copy bundled with npm. Headers: the distro's /usr/include/node when present (no download needed).
NODE_GYP="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
[[ -f "$NODE_GYP" ]] || die "node-gyp not found at $NODE_GYP"
GYP_ARGS=()
if [[ -f /usr/include/node/node.h ]]; then GYP_ARGS+=("--nodedir=/usr"); fi
export npm_config_nodedir="${npm_config_nodedir:-$([[ -f /usr/include/node/node.h ]] && echo /usr || true)}"
[[ -n "$npm_config_nodedir" ]] || unset npm_config_nodedir
export JOBS="${JOBS:-$(nproc)}"

apt_packages() {
  local pkgs=(libkrb5-dev pkg-config ripgrep chromium python3 make g++) missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if (( ${#missing[@]} )); then
    log "apt-get install ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" \
      || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; }
  fi
  command -v rg >/dev/null || die "ripgrep (rg) missing after apt"
  [[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium missing after apt"
}

npm_code_server() {
  [[ -f "$TOOLS_DIR/package.json" ]] || printf '{\n  "name": "swarmnet-tools",\n  "private": true\n}\n' > "$TOOLS_DIR/package.json"
  # --ignore-scripts: the postinstall would download ripgrep from the internet.
  (cd "$TOOLS_DIR" && npm install --no-audit --no-fund --ignore-scripts "code-server@$CODE_SERVER_VERSION")
  [[ -f "$CS_DIR/out/node/entry.js" ]] || die "code-server entry.js missing after npm install"
}

npm_vscode_deps() {
  (cd "$VSCODE_DIR" && npm install --omit=dev --no-audit --no-fund --ignore-scripts)
}

native_rebuilds() {
  local gyp dir failed=()
  # every package with a binding.gyp under lib/vscode/node_modules (kerberos, node-pty, @vscode/spdlog, ...)
  while IFS= read -r gyp; do
    dir="$(dirname "$gyp")"
    # skip nested copies of build tooling and test fixtures
    case "$dir" in */test/*|*/tests/*|*/deps/*|*/node-addon-api*) continue ;; esac
    log "  node-gyp rebuild ${dir#"$VSCODE_DIR/node_modules/"}"
    if ! (cd "$dir" && node "$NODE_GYP" rebuild "${GYP_ARGS[@]}" >"$dir/.swarmnet-gyp.log" 2>&1); then
      failed+=("${dir#"$VSCODE_DIR/node_modules/"}")
      tail -n 20 "$dir/.swarmnet-gyp.log" >&2
    fi
  done < <(find "$VSCODE_DIR/node_modules" -maxdepth 4 -name binding.gyp -not -path '*/build/*' | sort)
  if (( ${#failed[@]} )); then die "native rebuild failed for: ${failed[*]}"; fi
}

ripgrep_link() {
  mkdir -p "$VSCODE_DIR/node_modules/@vscode/ripgrep/bin"
  ln -sfn "$(command -v rg)" "$VSCODE_DIR/node_modules/@vscode/ripgrep/bin/rg"
}

asar_link() {
  [[ -e "$VSCODE_DIR/node_modules.asar" ]] || ln -s node_modules "$VSCODE_DIR/node_modules.asar"
}

builtin_extensions() {
  (cd "$VSCODE_DIR/extensions" && npm install --omit=dev --no-audit --no-fund --ignore-scripts)
}

argon2_rebuild() {
  (cd "$TOOLS_DIR" && npm rebuild argon2 --build-from-source)
}

smoke() {
  local v
  # --config: keep code-server from writing ~/.config/code-server/config.yaml
  v="$(node "$CS_DIR/out/node/entry.js" --config "$TOOLS_DIR/code-server-config.yaml" --version 2>&1 \
    | grep -E '^[0-9]+\.[0-9]+\.[0-9]+' | head -n 1 || true)"
  log "  code-server --version: $v"
  [[ "$v" == "$CODE_SERVER_VERSION"* ]] || die "unexpected version output: $v"
  # the bundled playwright-core (repo devDependency) drives /usr/bin/chromium; no browser download.
  [[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium missing"
}

step 01-apt              apt_packages
step 02-npm-code-server  npm_code_server
step 03-npm-vscode-deps  npm_vscode_deps
step 04-native-rebuilds  native_rebuilds
step 05-ripgrep-link     ripgrep_link
step 06-asar-link        asar_link
step 07-builtin-exts     builtin_extensions
step 08-argon2           argon2_rebuild
step 09-smoke            smoke
log "code-server $CODE_SERVER_VERSION ready in $TOOLS_DIR (total $(( $(date +%s) - T0 ))s)"
echo "$CS_DIR/out/node/entry.js"
