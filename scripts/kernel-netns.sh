#!/usr/bin/env bash
# The kernel-differential test bed (test/kernel): one router namespace that plays a Docker host, external clients
# and "containers" behind interfaces named the way Docker names them. Everything lives in namespaces named
# ${PREFIX}* (the test uses tk-<its pid in base 36>-, so that runs side by side do not meet); addresses are only
# used inside them.
#
#   scripts/kernel-netns.sh up [prefix]     build it (tears down a previous one of the same prefix first)
#   scripts/kernel-netns.sh down [prefix]   delete every namespace of the prefix (idempotent)
#   scripts/kernel-netns.sh stale           delete the beds (tk-<pid36>-*) of runs whose process is gone
#
# Layout (router = ${PREFIX}r):
#   eth0            198.18.100.1/24 203.0.113.1/24 ↔ ${PREFIX}c0 (clients 198.18.100.2-9, 203.0.113.2-9)
#   eth1            198.18.101.1/24                ↔ ${PREFIX}c1 (clients 198.18.101.2-5)
#   docker0         172.17.0.1/16                  ↔ ${PREFIX}s0 (containers 172.17.0.2-4)
#   docker_gwbridge 172.18.0.1/20                  ↔ ${PREFIX}s1 (ingress_sbox 172.18.0.2, 172.18.0.3)
#   br-a1b2c3d4e5f6 172.18.16.1/20                 ↔ ${PREFIX}s2 (172.18.16.2-3)
#   br-0f1e2d3c4b5a 172.18.32.1/20                 ↔ ${PREFIX}s3 (172.18.32.2)
# Each link is a veth pair; the router's end is renamed to the Docker name (no bridge device, so no br_netfilter).
set -euo pipefail
cmd=${1:-}
P=${2:-tk-}
# ≤ 8 characters: the temporary veth names (prefix + x + 5 digits + a/b) must fit in 15
[[ $P =~ ^[a-z][a-z0-9-]{0,7}$ ]] || { echo "bad prefix $P" >&2; exit 2; }

down() {
  local ns
  for ns in $(ip netns list | awk '{print $1}'); do
    [[ $ns == "$P"* ]] && ip netns del "$ns" 2>/dev/null || true
  done
}

# link <router-if-name> <peer-ns> <peer-if-name> <router addrs (comma list)> <peer addrs (comma list)> <peer gw>
link() {
  local rif=$1 ns=$2 pif=$3 raddrs=$4 paddrs=$5 gw=$6 tmp="${P}x$RANDOM"
  ip netns add "$P$ns" 2>/dev/null || true
  ip link add "${tmp}a" type veth peer name "${tmp}b"
  ip link set "${tmp}a" netns "${P}r"
  ip link set "${tmp}b" netns "$P$ns"
  ip -n "${P}r" link set "${tmp}a" name "$rif"
  ip -n "$P$ns" link set "${tmp}b" name "$pif"
  local a
  for a in ${raddrs//,/ }; do ip -n "${P}r" addr add "$a" dev "$rif"; done
  for a in ${paddrs//,/ }; do ip -n "$P$ns" addr add "$a" dev "$pif"; done
  ip -n "${P}r" link set "$rif" up
  ip -n "$P$ns" link set lo up
  ip -n "$P$ns" link set "$pif" up
  ip -n "$P$ns" route add default via "$gw" dev "$pif"
  # A SYN-ACK dropped on the router is not retransmitted into a later case; a dropped SYN is not resent.
  ip netns exec "$P$ns" sysctl -qw net.ipv4.tcp_synack_retries=0 net.ipv4.tcp_syn_retries=1 net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

up() {
  down
  trap 'down' ERR
  ip netns add "${P}r"
  ip -n "${P}r" link set lo up
  ip netns exec "${P}r" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  link eth0 c0 eth0 198.18.100.1/24,203.0.113.1/24 \
    198.18.100.2/24,198.18.100.3/24,198.18.100.4/24,198.18.100.5/24,198.18.100.9/24,203.0.113.2/24,203.0.113.5/24,203.0.113.9/24 198.18.100.1
  link eth1 c1 eth0 198.18.101.1/24 198.18.101.2/24,198.18.101.3/24,198.18.101.5/24 198.18.101.1
  link docker0 s0 eth0 172.17.0.1/16 172.17.0.2/16,172.17.0.3/16,172.17.0.4/16 172.17.0.1
  link docker_gwbridge s1 eth0 172.18.0.1/20 172.18.0.2/20,172.18.0.3/20 172.18.0.1
  link br-a1b2c3d4e5f6 s2 eth0 172.18.16.1/20 172.18.16.2/20,172.18.16.3/20 172.18.16.1
  link br-0f1e2d3c4b5a s3 eth0 172.18.32.1/20 172.18.32.2/20 172.18.32.1
  trap - ERR
}

stale() {
  local ns
  for ns in $(ip netns list | awk '{print $1}'); do
    [[ $ns =~ ^tk-([0-9a-z]+)- ]] || continue
    [[ -d /proc/$((36#${BASH_REMATCH[1]})) ]] || ip netns del "$ns" 2>/dev/null || true
  done
}

case $cmd in
  up) up ;;
  down) down ;;
  stale) stale ;;
  *) echo "usage: $0 up|down [prefix] | stale" >&2; exit 2 ;;
esac
