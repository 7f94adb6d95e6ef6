#!/usr/bin/env bash
# The main job on a (set-up) machine: bring up the three-node lab swarm, then use swarmnet against it —
# the CLI (discovery of every node, a command in the ingress_sbox namespace, the DOCKER-USER linter, a live
# packet trace) and the extension itself (packaged as a VSIX and, with --ui, served in code-server with the
# lab's nodes configured, so a person can open it in a browser).
#   bash scripts/main.sh [--ui] [--nodes N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
UI=""
NODES="${SWARMNET_LAB_NODES:-3}"
while (( $# )); do
  case "$1" in
    --ui) UI=1 ;;
    --nodes) NODES="$2"; shift ;;
    *) echo "usage: bash scripts/main.sh [--ui] [--nodes N]" >&2; exit 2 ;;
  esac
  shift
done
T0=$(date +%s)
step() { printf '\n\033[1m[main %4ss] %s\033[0m\n' "$(( $(date +%s) - T0 ))" "$*"; }
cli() { node dist/cli.js "$@"; }

step 'build'
npm run --silent build
step "lab up ($NODES nodes)"
bash scripts/lab.sh up --nodes "$NODES"

step 'discover every lab node (SSH to each node, Docker API tunnelled through it)'
cli discover --lab .lab/lab.json

step 'run in namespace: iptables -t nat -S in ingress_sbox of node1'
cli run ingress_sbox --lab .lab/lab.json --node node1 -- iptables -t nat -S

step 'lint a proposed DOCKER-USER file (examples/docker-user.rules)'
cli lint examples/docker-user.rules || true   # findings make it exit 1: that is the point of the example

step 'trace: an external client to the published port 8080 on node1 (this kernel has no IPVS: the trace says where it stops)'
NODE1_ADDR="$(node -p 'require("./.lab/lab.json").nodes[0].advertiseAddr')"
cli trace --lab .lab/lab.json --from 203.0.113.7 --to "$NODE1_ADDR:8080" || true

step 'trace: task of "echo" on node1 to a task of "web" on node3 across the overlay'
cli trace --lab .lab/lab.json --from task:echo@node1 --to task:web@node3 --proto tcp --dport 80 || true

step 'swarm doctor: gossip, kernel, load balancer, DNS and underlay compared across the three nodes (read-only)'
cli doctor --lab .lab/lab.json || true

step 'package the extension (swarmnet.vsix)'
npm run --silent package

if [[ -n "$UI" ]]; then
  step 'code-server with the extension and the lab nodes'
  bash scripts/install-code-server.sh
  DATA="$ROOT/.lab/ui"
  mkdir -p "$DATA/user/User" "$DATA/ext" "$DATA/workspace/.vscode"
  node -e '
    const lab = require(process.argv[1]);
    const nodes = lab.nodes.filter((n) => n.name !== "node1").map((n) => ({
      name: n.name, transport: "ssh", host: n.sshHost, port: n.sshPort, user: n.sshUser,
      identityFile: n.keyPath, knownHostsFile: lab.knownHosts, dockerSocket: "/var/run/docker.sock" }));
    process.stdout.write(JSON.stringify({ "swarmnet.nodes": nodes, "swarmnet.includeLocalNode": true }, null, 2));
  ' "$ROOT/.lab/lab.json" >"$DATA/workspace/.vscode/settings.json"
  cp examples/docker-user.rules "$DATA/workspace/"
  CS="$ROOT/.tools/code-server/bin/code-server"
  "$CS" --extensions-dir "$DATA/ext" --user-data-dir "$DATA/user" --install-extension "$ROOT/swarmnet.vsix" --force
  echo "open http://127.0.0.1:8443/?folder=$DATA/workspace  (Ctrl-C to stop)"
  exec "$CS" --bind-addr 127.0.0.1:8443 --auth none --disable-telemetry --disable-update-check \
    --disable-workspace-trust --extensions-dir "$DATA/ext" --user-data-dir "$DATA/user" "$DATA/workspace"
fi
step "done in $(( $(date +%s) - T0 ))s — the VSIX is swarmnet.vsix; 'bash scripts/main.sh --ui' serves it in code-server"
