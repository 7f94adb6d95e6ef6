#!/usr/bin/env bash
# swarmnet lab: a real multi-node Docker Swarm on one machine (see /work/shared/notes/lab-recipe.md).
#
#   bash scripts/lab.sh up [--nodes N]   (default N=3; idempotent; prints timing; also repairs: a node whose
#                                         dockerd or sshd died is restarted in fresh namespaces)
#   bash scripts/lab.sh down             (idempotent; fine when nothing runs)
#   bash scripts/lab.sh status           (prints .lab/lab.json and a quick health check)
#
# node1 = this machine's root engine (/var/run/docker.sock). nodeK (K=2..N) = a network namespace
# "swarmnet-nodeK" on the underlay bridge labbr (198.18.0.K/24) with its own dockerd in its own mount + uts
# namespaces (own /var/lib/docker, /run/docker, hostname lab-nodeK; inside it /var/run/docker.sock is that
# node's engine). Each node has an sshd (node1 on 127.0.0.1:2222, nodeK on 198.18.0.K:22) accepting the
# throwaway key .lab/id_ed25519. The lab is described for tests in .lab/lab.json.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LAB_DIR="$REPO_ROOT/.lab"
ROOT_SOCK=/var/run/docker.sock
IMAGE=swarmnet/busybox:lab
NETWORK=swarmnet-test
SUBNET=10.231.0.0/24
PUBLISHED_PORT=8080
UNDERLAY=labbr
UNDERLAY_PREFIX=198.18.0
FWD_COMMENT=swarmnet-lab
WAIT_TASKS_SECS="${LAB_WAIT_TASKS_SECS:-180}"
T0=$(date +%s)

log() { printf '[lab %4ss] %s\n' "$(( $(date +%s) - T0 ))" "$*"; }
warn() { printf '[lab %4ss] WARNING: %s\n' "$(( $(date +%s) - T0 ))" "$*" >&2; }
die() { printf '[lab %4ss] ERROR: %s\n' "$(( $(date +%s) - T0 ))" "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------- helpers
node_ns() { echo "swarmnet-node$1"; }
node_run() { echo "/run/swarmnet-node$1"; }
node_data() { echo "/var/lib/swarmnet-node$1"; }
node_sock() { if [[ "$1" == 1 ]]; then echo "$ROOT_SOCK"; else echo "$(node_run "$1")/docker.sock"; fi; }
node_addr() { echo "$UNDERLAY_PREFIX.$1"; }
dk() { local k="$1"; shift; docker -H "unix://$(node_sock "$k")" "$@"; }
alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }
pid_from() { [[ -f "$1" ]] && tr -dc '0-9' <"$1" || true; }
engine_up() { docker -H "unix://$1" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# wait_for <seconds> <description> <command...>
wait_for() {
  local secs="$1" what="$2" end; shift 2
  end=$(( $(date +%s) + secs ))
  until "$@" >/dev/null 2>&1; do
    (( $(date +%s) < end )) || die "timed out after ${secs}s waiting for $what"
    sleep 0.5
  done
}

# kill_wait <pid> [seconds]: TERM, wait, then KILL. Only for processes this script started.
kill_wait() {
  local pid="$1" secs="${2:-20}" i
  alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for (( i = 0; i < secs * 4; i++ )); do alive "$pid" || return 0; sleep 0.25; done
  warn "pid $pid did not stop after ${secs}s; sending KILL"
  kill -KILL "$pid" 2>/dev/null || true
}

# nodes present on this machine from an earlier 'up' (K numbers >= 2), from namespaces and runtime dirs
existing_extra_nodes() {
  local d k
  {
    for d in /run/netns/swarmnet-node* /run/swarmnet-node* /var/lib/swarmnet-node*; do
      [[ -e "$d" ]] || continue
      k="${d##*swarmnet-node}"
      [[ "$k" =~ ^[0-9]+$ ]] && echo "$k"
    done
  } | sort -n -u
}

# ---------------------------------------------------------------------------------------------- 1. packages
ensure_packages() {
  local -A need=(
    [docker]=docker.io [dockerd]=docker.io [iptables]=iptables [sshd]=openssh-server [ssh]=openssh-client
    [ssh-keygen]=openssh-client [ip]=iproute2 [bridge]=iproute2 [brctl]=bridge-utils [nsenter]=util-linux
    [unshare]=util-linux [curl]=curl
  )
  local missing=() bin
  for bin in "${!need[@]}"; do
    if [[ "$bin" == sshd ]]; then [[ -x /usr/sbin/sshd ]] && continue
    else command -v "$bin" >/dev/null 2>&1 && continue; fi
    missing+=("${need[$bin]}")
  done
  # the image needs a *static* busybox (it runs alone in a scratch rootfs)
  if ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed'; then
    missing+=(busybox-static)
  fi
  if (( ${#missing[@]} )); then
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    log "apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >"$LAB_DIR/apt.log" 2>&1 \
      || { cat "$LAB_DIR/apt.log" >&2; die "apt-get install failed"; }
  fi
  [[ -x /bin/busybox ]] || die "/bin/busybox missing after installing busybox-static"
  [[ -x /usr/sbin/sshd ]] || die "/usr/sbin/sshd missing after installing openssh-server"
}

# ------------------------------------------------------------------------ 1b. engines' network diagnostic server
# Every engine reads /etc/docker/daemon.json (the nodes share /etc). "network-diagnostic-port" makes it serve NetworkDB
# on 127.0.0.1 of its own network namespace (the doctor's gossip checks). SWARMNET_LAB_DIAG_PORT=0 leaves it off.
DIAG_PORT="${SWARMNET_LAB_DIAG_PORT:-2000}"
ensure_diag_config() {
  (( DIAG_PORT > 0 )) || return 0
  mkdir -p /etc/docker
  DIAG_PORT="$DIAG_PORT" node -e '
    const fs = require("fs"); const f = "/etc/docker/daemon.json";
    let c = {}; try { c = JSON.parse(fs.readFileSync(f, "utf8")); } catch (e) { if (e.code !== "ENOENT") throw e; }
    if (c["network-diagnostic-port"] === undefined) { c["network-diagnostic-port"] = Number(process.env.DIAG_PORT); fs.writeFileSync(f, JSON.stringify(c, null, 2) + "\n"); }
  ' || die "cannot write network-diagnostic-port to /etc/docker/daemon.json"
  DIAG_PORT="$(node -e 'console.log(JSON.parse(require("fs").readFileSync("/etc/docker/daemon.json","utf8"))["network-diagnostic-port"] || 0)')"
}
diag_answers() { local k="$1" pre=(); (( k > 1 )) && pre=(nsenter --net="/run/netns/$(node_ns "$k")"); "${pre[@]}" curl -s -m 2 "http://127.0.0.1:$DIAG_PORT/ready" >/dev/null 2>&1; }
# An engine started before the setting reloads it on SIGHUP.
ensure_diag_server() {
  local k="$1" pid
  (( DIAG_PORT > 0 )) || return 0
  diag_answers "$k" && return 0
  if (( k == 1 )); then pid="$(pid_from /var/run/docker.pid)"; else pid="$(node_dockerd_pid "$k")"; fi
  alive "$pid" && kill -HUP "$pid"
  wait_for 20 "node$k's diagnostic server on 127.0.0.1:$DIAG_PORT" diag_answers "$k"
}

# ---------------------------------------------------------------------------------------------- 2. root engine
ensure_root_engine() {
  if engine_up "$ROOT_SOCK"; then
    [[ -f "$LAB_DIR/root-dockerd" ]] || echo preexisting >"$LAB_DIR/root-dockerd"
    log "root engine answers on $ROOT_SOCK ($(cat "$LAB_DIR/root-dockerd"))"
    return
  fi
  [[ -f "$LAB_DIR/root-dockerd" ]] || echo started-by-lab >"$LAB_DIR/root-dockerd"
  log "starting root dockerd --storage-driver=vfs (log .lab/dockerd-node1.log)"
  setsid dockerd --storage-driver=vfs >>"$LAB_DIR/dockerd-node1.log" 2>&1 </dev/null &
  wait_for 90 "root dockerd on $ROOT_SOCK" engine_up "$ROOT_SOCK"
}

# ---------------------------------------------------------------------------------------------- 3a. underlay
ensure_underlay() {
  local n="$1" k ns host_if
  if ! ip link show "$UNDERLAY" >/dev/null 2>&1; then
    ip link add "$UNDERLAY" type bridge
  fi
  ip addr replace "$(node_addr 1)/24" dev "$UNDERLAY"
  ip link set "$UNDERLAY" up
  # With br_netfilter, frames bridged between nodes traverse the root FORWARD chain (policy DROP under Docker).
  iptables -C FORWARD -i "$UNDERLAY" -o "$UNDERLAY" -m comment --comment "$FWD_COMMENT" -j ACCEPT 2>/dev/null \
    || iptables -I FORWARD 1 -i "$UNDERLAY" -o "$UNDERLAY" -m comment --comment "$FWD_COMMENT" -j ACCEPT
  for (( k = 2; k <= n; k++ )); do
    ns="$(node_ns "$k")"; host_if="lab-v$k"
    [[ -e "/run/netns/$ns" ]] || ip netns add "$ns"
    if ! ip link show "$host_if" >/dev/null 2>&1; then
      ip link add "$host_if" type veth peer name "lab-p$k"
      ip link set "lab-p$k" netns "$ns"
      nsenter --net="/run/netns/$ns" ip link set "lab-p$k" name eth0
    fi
    ip link set "$host_if" master "$UNDERLAY" up
    nsenter --net="/run/netns/$ns" sh -c "ip link set lo up && ip addr replace $(node_addr "$k")/24 dev eth0 && ip link set eth0 up"
  done
}

# ---------------------------------------------------------------------------------------------- 3b. node engines
node_dockerd_pid() { pid_from "$(node_run "$1")/dockerd.pid"; }

ensure_node_engine() {
  local k="$1" run data ns pid
  run="$(node_run "$k")"; data="$(node_data "$k")"; ns="$(node_ns "$k")"
  pid="$(node_dockerd_pid "$k")"
  if alive "$pid" && ! engine_up "$run/docker.sock"; then
    log "node$k: dockerd (pid $pid) does not answer yet: waiting up to 30s"
    local i
    for (( i = 0; i < 60; i++ )); do engine_up "$run/docker.sock" && break; sleep 0.5; done
  fi
  if alive "$pid" && engine_up "$run/docker.sock"; then
    log "node$k: dockerd already running (pid $pid)"
  else
    mkdir -p "$run/run-docker" "$data" /run/docker /var/lib/docker
    if [[ -e "/run/netns/$ns" ]]; then
      # a node whose dockerd died: its containerd, shims and sshd still live in the old mount namespace (which would
      # pin stale network namespaces and a dead docker.sock); stop them so the node restarts clean
      local p left
      left="$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')"
      if [[ -n "${left// /}" ]]; then
        log "node$k: dockerd is not running; stopping leftovers in netns $ns (pids $left)"
        kill -TERM $left 2>/dev/null || true
        for p in $left; do kill_wait "$p" 3; done
      fi
    fi
    rm -f "$run/dockerd.pid" "$run/docker.sock"
    log "node$k: starting dockerd in netns $ns + own mount/uts namespaces (log .lab/dockerd-node$k.log)"
    # nsenter/unshare exec (no fork), so the pid of this chain is dockerd's pid.
    setsid nsenter --net="/run/netns/$ns" unshare --mount --uts --propagation private sh -c '
        set -e
        hostname "lab-node$1"
        # Drop copies of the root namespace'"'"'s netns/docker mounts: held here they would keep the root
        # engine'"'"'s (and other nodes'"'"') network namespaces alive after their owners delete them.
        awk '"'"'{ print $5 }'"'"' /proc/self/mountinfo | grep -E "^/run/(netns|docker)/|^/var/lib/docker/" | sort -r \
          | while read -r m; do umount -l "$m" 2>/dev/null || true; done
        mount --bind "$2/run-docker" /run/docker
        mount --bind "$3" /var/lib/docker
        exec dockerd --storage-driver=vfs -H "unix://$2/docker.sock" --pidfile "$2/dockerd.pid"
      ' lab-node "$k" "$run" "$data" >>"$LAB_DIR/dockerd-node$k.log" 2>&1 </dev/null &
  fi
}

finish_node_engine() {
  local k="$1" run pid sock_ino in_ino
  run="$(node_run "$k")"
  wait_for 90 "node$k dockerd on $run/docker.sock" engine_up "$run/docker.sock"
  pid="$(node_dockerd_pid "$k")"
  alive "$pid" || die "node$k: dockerd pid file $run/dockerd.pid is not a live process"
  # Inside the node's mount namespace, /var/run/docker.sock must be this node's engine: bind its socket over it.
  sock_ino="$(stat -c %i "$run/docker.sock")"
  in_ino="$(nsenter --target "$pid" --mount stat -L -c %i /run/docker.sock 2>/dev/null || true)"
  if [[ "$sock_ino" != "$in_ino" ]]; then
    nsenter --target "$pid" --mount sh -c \
      '[ -e /run/docker.sock ] || : > /run/docker.sock; mount --bind "$1" /run/docker.sock' lab "$run/docker.sock"
  fi
  in_ino="$(nsenter --target "$pid" --mount stat -L -c %i /run/docker.sock)"
  [[ "$sock_ino" == "$in_ino" ]] || die "node$k: could not bind its socket over /var/run/docker.sock"
}

# ---------------------------------------------------------------------------------------------- 3c. swarm
swarm_state() { dk "$1" info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || echo unknown; }

ensure_swarm() {
  local n="$1" adv k state addr token id ready foreign
  if (( n == 1 )); then adv=127.0.0.1; else adv="$(node_addr 1)"; fi
  state="$(swarm_state 1)"
  if [[ "$state" == active ]]; then
    addr="$(dk 1 info --format '{{.Swarm.NodeAddr}}')"
    if [[ ! -f "$LAB_DIR/swarm-owner" ]]; then
      # a swarm the lab did not create: never destroy someone's services silently
      foreign="$(dk 1 service ls --format '{{.Name}}' 2>/dev/null | grep -vxE 'web|echo' | tr '\n' ' ' || true)"
      if [[ -n "$foreign" && "$addr" != "$adv" && "${LAB_TAKEOVER:-}" != 1 ]]; then
        die "the root engine is in a swarm the lab did not create (advertise $addr, services: $foreign); \
re-initialising it would delete them. Remove them or rerun with LAB_TAKEOVER=1"
      fi
      warn "node1: adopting a swarm the lab did not create (advertise $addr)"
    fi
    if [[ "$addr" != "$adv" ]]; then
      log "node1: swarm advertises $addr, want $adv: leaving and re-initialising"
      dk 1 swarm leave --force >/dev/null
      state=inactive
    fi
  fi
  if [[ "$state" != active ]]; then
    log "node1: docker swarm init --advertise-addr $adv"
    dk 1 swarm init --advertise-addr "$adv" >/dev/null
  fi
  echo lab >"$LAB_DIR/swarm-owner"
  # forget nodes from earlier runs that are gone (Down, or Unknown: a restarted manager has not heard from them; the
  # lab's own nodes re-join below)
  while read -r id; do
    [[ -n "$id" ]] && dk 1 node rm --force "$id" >/dev/null 2>&1 || true
  done < <(dk 1 node ls --format '{{.ID}} {{.Status}}' | awk '$2 == "Down" || $2 == "Unknown" { print $1 }')
  (( n > 1 )) || return 0
  token="$(dk 1 swarm join-token -q worker)"
  for (( k = 2; k <= n; k++ )); do
    state="$(swarm_state "$k")"
    if [[ "$state" == active ]]; then
      id="$(dk "$k" info --format '{{.Swarm.NodeID}}')"
      if ! dk 1 node inspect "$id" >/dev/null 2>&1; then
        log "node$k: in another swarm: leaving"
        dk "$k" swarm leave --force >/dev/null
        state=inactive
      fi
    fi
    if [[ "$state" != active ]]; then
      log "node$k: docker swarm join --advertise-addr $(node_addr "$k") $(node_addr 1):2377"
      dk "$k" swarm join --token "$token" --advertise-addr "$(node_addr "$k")" "$(node_addr 1):2377" >/dev/null
    fi
  done
  all_ready() {
    [[ "$(dk 1 node ls --format '{{.Status}}' | grep -c '^Ready$')" -ge "$n" ]]
  }
  wait_for 60 "$n swarm nodes Ready" all_ready
  ready="$(dk 1 node ls --format '{{.Hostname}}:{{.Status}}' | tr '\n' ' ')"
  log "swarm nodes: $ready"
}

# ---------------------------------------------------------------------------------------------- 4. image
build_rootfs_tar() {
  local tar="$LAB_DIR/rootfs.tar" dir="$LAB_DIR/rootfs" a
  [[ -s "$tar" ]] && return
  rm -rf "$dir"
  mkdir -p "$dir/bin" "$dir/sbin" "$dir/usr/bin" "$dir/usr/sbin" "$dir/www" "$dir/tmp" "$dir/etc" "$dir/root"
  cp /bin/busybox "$dir/bin/busybox"
  for a in $(/bin/busybox --list); do
    [[ "$a" == busybox ]] || ln -sf busybox "$dir/bin/$a"
  done
  chmod 1777 "$dir/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$dir/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/etc/group"
  printf 'swarmnet-lab web\n' >"$dir/www/index.html"
  tar -C "$dir" -cf "$tar" .
  rm -rf "$dir"
}

ensure_image() {
  local k="$1"
  if dk "$k" image inspect "$IMAGE" >/dev/null 2>&1; then return; fi
  dk "$k" import --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin' \
    "$LAB_DIR/rootfs.tar" "$IMAGE" >/dev/null
  log "node$k: imported $IMAGE"
}

# ---------------------------------------------------------------------------------------------- 5. network + services
ensure_services() {
  local n="$1"
  if ! dk 1 network inspect "$NETWORK" >/dev/null 2>&1; then
    dk 1 network create -d overlay --attachable --subnet "$SUBNET" "$NETWORK" >/dev/null
    log "created overlay network $NETWORK ($SUBNET)"
  fi
  if ! dk 1 service inspect web >/dev/null 2>&1; then
    dk 1 service create --detach --name web --no-resolve-image --replicas $(( 2 * n )) --replicas-max-per-node 2 --stop-grace-period 2s --restart-delay 1s --update-parallelism 0 \
      --publish "$PUBLISHED_PORT:80" --network "$NETWORK" "$IMAGE" httpd -f -p 80 -h /www >/dev/null
    log "created service web (replicas $(( 2 * n )), published $PUBLISHED_PORT:80)"
  fi
  if ! dk 1 service inspect echo >/dev/null 2>&1; then
    dk 1 service create --detach --name echo --no-resolve-image --replicas "$n" --replicas-max-per-node 1 --stop-grace-period 2s --restart-delay 1s --update-parallelism 0 \
      --network "$NETWORK" "$IMAGE" nc -ll -p 7000 -e /bin/cat >/dev/null
    log "created service echo (replicas $n, nc echo on 7000)"
  fi
  # Quick stop and restart (a node whose dockerd restarts gets its tasks back in seconds): bring services made by
  # an older lab.sh to these settings (one rolling restart, all tasks at once).
  local svc
  for svc in web echo; do
    if [[ "$(dk 1 service inspect "$svc" --format '{{.Spec.TaskTemplate.ContainerSpec.StopGracePeriod}} {{.Spec.TaskTemplate.RestartPolicy.Delay}}')" != "2s 1s" ]]; then
      dk 1 service update --detach --stop-grace-period 2s --restart-delay 1s --update-parallelism 0 "$svc" >/dev/null
      log "updated service $svc: stop grace 2s, restart delay 1s"
    fi
  done
}

# services_converged <n>: every desired-running task is Running and each service covers every node
services_converged() {
  local n="$1" svc want lines running nodes
  for svc in web echo; do
    if [[ "$svc" == web ]]; then want=$(( 2 * n )); else want="$n"; fi
    lines="$(dk 1 service ps "$svc" --filter desired-state=running --format '{{.Node}} {{.CurrentState}}')"
    running="$(grep -c ' Running' <<<"$lines" || true)"
    nodes="$(grep ' Running' <<<"$lines" | awk '{ print $1 }' | sort -u | grep -c . || true)"
    [[ "$running" -eq "$want" && "$nodes" -eq "$n" ]] || return 1
  done
}

wait_services() {
  local n="$1" end
  end=$(( $(date +%s) + WAIT_TASKS_SECS ))
  until services_converged "$n"; do
    if (( $(date +%s) >= end )); then
      dk 1 service ps web echo --no-trunc >&2 || true
      die "tasks not all running on all $n nodes after ${WAIT_TASKS_SECS}s"
    fi
    sleep 1
  done
  log "all tasks running: web $(( 2 * n )), echo $n, spread over $n nodes"
}

# ---------------------------------------------------------------------------------------------- 6. sshd
ensure_keys() {
  local n="$1" k
  [[ -f "$LAB_DIR/id_ed25519" ]] || ssh-keygen -q -t ed25519 -N '' -C swarmnet-lab -f "$LAB_DIR/id_ed25519"
  cp "$LAB_DIR/id_ed25519.pub" "$LAB_DIR/authorized_keys"
  chmod 600 "$LAB_DIR/authorized_keys" "$LAB_DIR/id_ed25519"
  for (( k = 1; k <= n; k++ )); do
    [[ -f "$LAB_DIR/ssh_host_ed25519_key_node$k" ]] \
      || ssh-keygen -q -t ed25519 -N '' -C "lab-node$k" -f "$LAB_DIR/ssh_host_ed25519_key_node$k"
  done
}

write_sshd_config() {
  local k="$1" port="$2" addr="$3"
  cat >"$LAB_DIR/sshd_config_node$k" <<EOF
# generated by scripts/lab.sh for node$k
Port $port
ListenAddress $addr
HostKey $LAB_DIR/ssh_host_ed25519_key_node$k
PidFile $LAB_DIR/sshd-node$k.pid
AuthorizedKeysFile $LAB_DIR/authorized_keys
# the checkout may live under a sticky world-writable dir (/tmp): StrictModes would refuse the key there; the lab's
# files are ours, mode 600, and this sshd only listens on loopback and the lab's own namespaces
StrictModes no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
AllowStreamLocalForwarding yes
AllowTcpForwarding yes
StreamLocalBindUnlink yes
X11Forwarding no
PrintMotd no
MaxSessions 64
MaxStartups 64:30:128
Subsystem sftp internal-sftp
EOF
}

ssh_ok() {
  ssh -i "$LAB_DIR/id_ed25519" -o BatchMode=yes -o IdentitiesOnly=yes -o UserKnownHostsFile="$LAB_DIR/known_hosts" \
    -o StrictHostKeyChecking=yes -o ConnectTimeout=3 -p "$2" "root@$1" true
}

# same_namespaces <pid> <pid>: both processes share network and mount namespaces
same_namespaces() {
  [[ "$(readlink "/proc/$1/ns/net")" == "$(readlink "/proc/$2/ns/net")" \
    && "$(readlink "/proc/$1/ns/mnt")" == "$(readlink "/proc/$2/ns/mnt")" ]] 2>/dev/null
}

ensure_sshd() {
  local n="$1" k pid port addr
  mkdir -p /run/sshd
  chmod 755 /run/sshd
  : >"$LAB_DIR/known_hosts.tmp"
  for (( k = 1; k <= n; k++ )); do
    if (( k == 1 )); then port=2222; addr=127.0.0.1; else port=22; addr="$(node_addr "$k")"; fi
    write_sshd_config "$k" "$port" "$addr"
    if (( k == 1 )); then
      printf '[127.0.0.1]:2222 %s\n' "$(cut -d' ' -f1,2 "$LAB_DIR/ssh_host_ed25519_key_node1.pub")" >>"$LAB_DIR/known_hosts.tmp"
    else
      printf '%s %s\n' "$addr" "$(cut -d' ' -f1,2 "$LAB_DIR/ssh_host_ed25519_key_node$k.pub")" >>"$LAB_DIR/known_hosts.tmp"
    fi
    pid="$(pid_from "$LAB_DIR/sshd-node$k.pid")"
    if alive "$pid" && (( k > 1 )) && ! same_namespaces "$pid" "$(node_dockerd_pid "$k")"; then
      # the node's dockerd was restarted into new namespaces: an sshd left in the old ones would show a stale
      # /var/run/docker/netns (nsfs mounts do not propagate) and a dead /var/run/docker.sock
      log "node$k: sshd (pid $pid) is not in the node's current namespaces: restarting it"
      kill_wait "$pid" 5
    fi
    if alive "$pid"; then continue; fi
    /usr/sbin/sshd -t -f "$LAB_DIR/sshd_config_node$k" || die "node$k: sshd config test failed"
    if (( k == 1 )); then
      local holder
      holder="$(ss -Hltnp 'sport = :2222' 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)"
      [[ -z "$holder" ]] || die "127.0.0.1:2222 is taken by pid $holder ($(tr '\0' ' ' <"/proc/$holder/cmdline" 2>/dev/null)): \
another lab (from another checkout?) is up; bring it down there first"
      /usr/sbin/sshd -f "$LAB_DIR/sshd_config_node1" -E "$LAB_DIR/sshd-node1.log"
    else
      nsenter --target "$(node_dockerd_pid "$k")" --net --mount --uts \
        /usr/sbin/sshd -f "$LAB_DIR/sshd_config_node$k" -E "$LAB_DIR/sshd-node$k.log"
    fi
    log "node$k: sshd on $addr:$port"
  done
  mv "$LAB_DIR/known_hosts.tmp" "$LAB_DIR/known_hosts"
  for (( k = 1; k <= n; k++ )); do
    if (( k == 1 )); then wait_for 20 "ssh to node1" ssh_ok 127.0.0.1 2222
    else wait_for 20 "ssh to node$k" ssh_ok "$(node_addr "$k")" 22; fi
  done
}

# ---------------------------------------------------------------------------------------------- 7. lab.json
write_lab_json() {
  local n="$1" k rows="" hostname pid netns host port adv id
  for (( k = 1; k <= n; k++ )); do
    if (( k == 1 )); then
      hostname="$(dk 1 info --format '{{.Name}}')"; pid="$(pid_from /var/run/docker.pid)"; netns=""
      host=127.0.0.1; port=2222
      if (( n == 1 )); then adv=127.0.0.1; else adv="$(node_addr 1)"; fi
    else
      hostname="$(dk "$k" info --format '{{.Name}}')"; pid="$(node_dockerd_pid "$k")"; netns="$(node_ns "$k")"
      host="$(node_addr "$k")"; port=22; adv="$host"
    fi
    id="$(dk "$k" info --format '{{.Swarm.NodeID}}')"
    rows+="node$k"$'\t'"$hostname"$'\t'"$(node_sock "$k")"$'\t'"$pid"$'\t'"$netns"$'\t'"$host"$'\t'"$port"$'\t'"$adv"$'\t'"$id"$'\n'
  done
  LAB_ROWS="$rows" LAB_KEY="$LAB_DIR/id_ed25519" LAB_KNOWN="$LAB_DIR/known_hosts" LAB_NET="$NETWORK" \
    LAB_PORT="$PUBLISHED_PORT" LAB_SUBNET="$SUBNET" LAB_IMAGE="$IMAGE" LAB_DIAG="$DIAG_PORT" node -e '
      const e = process.env;
      const nodes = e.LAB_ROWS.split("\n").filter(Boolean).map((line) => {
        const [name, hostname, dockerSocket, pid, netns, sshHost, sshPort, advertiseAddr, swarmNodeId] = line.split("\t");
        return { name, hostname, dockerSocket, dockerdPid: Number(pid), netns: netns === "" ? null : netns,
          sshHost, sshPort: Number(sshPort), sshUser: "root", keyPath: e.LAB_KEY, advertiseAddr, swarmNodeId };
      });
      const lab = { nodes, knownHosts: e.LAB_KNOWN, network: e.LAB_NET, subnet: e.LAB_SUBNET, image: e.LAB_IMAGE,
        services: ["web", "echo"], publishedPort: Number(e.LAB_PORT), diagPort: Number(e.LAB_DIAG) || null };
      process.stdout.write(JSON.stringify(lab, null, 2) + "\n");
    ' >"$LAB_DIR/lab.json.tmp"
  mv "$LAB_DIR/lab.json.tmp" "$LAB_DIR/lab.json"
}

# ---------------------------------------------------------------------------------------------- checks
# A real request from a web task on node1 to a web task on the last node, across the overlay (by task IP).
cross_node_check() {
  local n="$1" src dst_ip reply
  src="$(dk 1 ps -q --filter label=com.docker.swarm.service.name=web | head -n1)"
  [[ -n "$src" ]] || die "no web task container on node1"
  dst_ip="$(dk "$n" ps -q --filter label=com.docker.swarm.service.name=web | head -n1 | xargs -r \
    docker -H "unix://$(node_sock "$n")" inspect --format "{{with index .NetworkSettings.Networks \"$NETWORK\"}}{{.IPAddress}}{{end}}")"
  [[ -n "$dst_ip" ]] || die "no web task with an address on $NETWORK on node$n"
  reply="$(dk 1 exec "$src" sh -c "printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 5 $dst_ip 80" 2>&1 || true)"
  if grep -q 'swarmnet-lab web' <<<"$reply"; then
    log "overlay check: web task on node1 -> web task $dst_ip on node$n: HTTP OK"
  else
    die "overlay check failed: node1 -> $dst_ip:80 on node$n replied: $reply"
  fi
}

print_summary() {
  local n="$1" k pid
  echo
  echo "Lab is up ($n node(s)); description in $LAB_DIR/lab.json"
  for (( k = 1; k <= n; k++ )); do
    if (( k == 1 )); then
      pid="$(pid_from /var/run/docker.pid)"
      printf '  node1 (%s): docker -H unix://%s ... | ssh -i %s -o UserKnownHostsFile=%s -p 2222 root@127.0.0.1\n' \
        "$(dk 1 info --format '{{.Name}}')" "$ROOT_SOCK" "$LAB_DIR/id_ed25519" "$LAB_DIR/known_hosts"
      printf '         netns: nsenter --target %s --mount --net ls /var/run/docker/netns\n' "$pid"
    else
      pid="$(node_dockerd_pid "$k")"
      printf '  node%s (lab-node%s): docker -H unix://%s ... | ssh -i %s -o UserKnownHostsFile=%s root@%s\n' \
        "$k" "$k" "$(node_sock "$k")" "$LAB_DIR/id_ed25519" "$LAB_DIR/known_hosts" "$(node_addr "$k")"
      printf '         netns: nsenter --target %s --mount --net ls /var/run/docker/netns\n' "$pid"
    fi
  done
}

# ---------------------------------------------------------------------------------------------- down
stop_extra_node() {
  local k="$1" run ns pid p
  run="$(node_run "$k")"; ns="$(node_ns "$k")"
  pid="$(node_dockerd_pid "$k")"
  if alive "$pid" && engine_up "$run/docker.sock"; then
    dk "$k" swarm leave --force >/dev/null 2>&1 || true
    dk "$k" ps -aq | xargs -r docker -H "unix://$run/docker.sock" rm -f >/dev/null 2>&1 || true
  fi
  p="$(pid_from "$LAB_DIR/sshd-node$k.pid")"
  kill_wait "$p" 5
  kill_wait "$pid" 30
  # leftovers started inside the node's network namespace (containerd, shims, ssh sessions)
  if [[ -e "/run/netns/$ns" ]]; then
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill_wait "$p" 5; done
    ip netns del "$ns" 2>/dev/null || warn "could not delete netns $ns"
  fi
  ip link del "lab-v$k" 2>/dev/null || true
  rm -rf "$run" "$(node_data "$k")"
  log "node$k: stopped and removed"
}

lab_down() {
  local keep_root="${1:-}" k p mode had_state=""
  # Only touch the root engine's swarm if a lab was (being) brought up here: 'down' without a lab must not
  # destroy a swarm someone else made on this machine.
  [[ -f "$LAB_DIR/nodes" ]] && had_state=1
  log "bringing the lab down"
  if [[ -n "$had_state" ]] && engine_up "$ROOT_SOCK"; then
    if [[ "$(swarm_state 1)" == active ]]; then
      dk 1 service rm web echo >/dev/null 2>&1 || true
      for (( p = 0; p < 40; p++ )); do
        dk 1 ps -q --filter label=com.docker.swarm.service.name=web --filter label=com.docker.swarm.service.name=echo \
          | grep -q . || break
        sleep 0.5
      done
      dk 1 network rm "$NETWORK" >/dev/null 2>&1 || true
    fi
  fi
  for k in $(existing_extra_nodes); do stop_extra_node "$k"; done
  p="$(pid_from "$LAB_DIR/sshd-node1.pid")"
  kill_wait "$p" 5
  if ip link show "$UNDERLAY" >/dev/null 2>&1; then ip link del "$UNDERLAY"; fi
  while iptables -C FORWARD -i "$UNDERLAY" -o "$UNDERLAY" -m comment --comment "$FWD_COMMENT" -j ACCEPT 2>/dev/null; do
    iptables -D FORWARD -i "$UNDERLAY" -o "$UNDERLAY" -m comment --comment "$FWD_COMMENT" -j ACCEPT
  done
  if [[ -n "$had_state" ]] && engine_up "$ROOT_SOCK"; then
    if [[ "$(swarm_state 1)" != inactive ]]; then
      dk 1 swarm leave --force >/dev/null 2>&1 || warn "node1: swarm leave failed"
    fi
    dk 1 image rm "$IMAGE" >/dev/null 2>&1 || true
    dk 1 network rm docker_gwbridge >/dev/null 2>&1 || true
  fi
  mode="$(cat "$LAB_DIR/root-dockerd" 2>/dev/null || echo preexisting)"
  if [[ -z "$keep_root" && "$mode" == started-by-lab ]]; then
    p="$(pid_from /var/run/docker.pid)"
    log "stopping root dockerd (pid ${p:-?}) started by the lab"
    kill_wait "$p" 30
  fi
  if [[ -n "$keep_root" ]]; then
    find "$LAB_DIR" -mindepth 1 -maxdepth 1 ! -name root-dockerd ! -name 'dockerd-node1.log' -exec rm -rf {} +
  else
    rm -rf "$LAB_DIR"
  fi
  log "lab is down"
}

# ---------------------------------------------------------------------------------------------- up
lab_up() {
  local n="$1" k prev
  mkdir -p "$LAB_DIR"
  chmod 700 "$LAB_DIR"
  prev="$(cat "$LAB_DIR/nodes" 2>/dev/null || true)"
  if [[ -n "$prev" && "$prev" != "$n" ]]; then
    log "lab was up with $prev node(s), $n requested: taking it down first"
    lab_down keep-root
    mkdir -p "$LAB_DIR"
  fi
  # stray extra nodes beyond N (e.g. state lost) would confuse the swarm: remove them
  for k in $(existing_extra_nodes); do
    if (( k > n )); then stop_extra_node "$k"; fi
  done
  echo "$n" >"$LAB_DIR/nodes"
  log "lab up: $n node(s)"
  ensure_packages
  ensure_diag_config
  ensure_root_engine
  if (( n > 1 )); then
    ensure_underlay "$n"
    for (( k = 2; k <= n; k++ )); do ensure_node_engine "$k"; done
    for (( k = 2; k <= n; k++ )); do finish_node_engine "$k"; done
  fi
  ensure_swarm "$n"
  for (( k = 1; k <= n; k++ )); do ensure_diag_server "$k"; done
  build_rootfs_tar
  for (( k = 1; k <= n; k++ )); do ensure_image "$k"; done
  ensure_keys "$n"
  ensure_services "$n"
  ensure_sshd "$n"
  wait_services "$n"
  write_lab_json "$n"
  if (( n > 1 )); then cross_node_check "$n"; fi
  print_summary "$n"
  log "lab up in $(( $(date +%s) - T0 ))s"
}

# ---------------------------------------------------------------------------------------------- main
[[ "$(id -u)" == 0 ]] || die "run as root"
cmd="${1:-up}"; shift || true
N=3
while (( $# )); do
  case "$1" in
    --nodes) N="${2:-}"; shift 2 ;;
    --nodes=*) N="${1#--nodes=}"; shift ;;
    *) die "unknown argument: $1 (usage: lab.sh up [--nodes N] | down | status)" ;;
  esac
done
[[ "$N" =~ ^[0-9]+$ ]] && (( N >= 1 && N <= 20 )) || die "--nodes must be 1..20 (got '$N')"

case "$cmd" in
  up) lab_up "$N" ;;
  down) lab_down ;;
  status)
    [[ -f "$LAB_DIR/lab.json" ]] || die "no lab (.lab/lab.json missing); run: npm run lab"
    cat "$LAB_DIR/lab.json"
    dk 1 node ls
    dk 1 service ls
    ;;
  *) die "unknown command: $cmd (usage: lab.sh up [--nodes N] | down | status)" ;;
esac
