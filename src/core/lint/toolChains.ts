/**
 * The chains other tools create on the hosts they run on (kube-proxy, Calico, Cilium, flannel, Weave, ufw, fail2ban,
 * sshuttle, libvirt, firewalld, Podman/netavark, Tailscale, CrowdSec, sshguard, NixOS), in one place. Two readings,
 * deliberately not the same list:
 *  - OWNED_BY_TOOL: a rule *in* such a chain, in a dump or listing, is the tool's (./generated.ts): never judged as the
 *    user's mistake. Broad (firewalld's every `INPUT_…`/`FWD_…`), since a dump only holds what the tools wrote; not
 *    Tailscale's `ts-`, CrowdSec's, sshguard's or NixOS's `nixos-fw`, whose chains people add their own rules to.
 *  - EXISTS_WHERE_TOOL_RUNS: a *jump* to such a chain that the text never declares is said as info, not flagged
 *    (./engine.ts): iptables accepts it where the tool runs. Narrow for firewalld (`INPUT_direct`, `IN_public`), so
 *    an undeclared `-j INPUT_CUSTOM` of the user's own is still an error.
 */
const SHARED = ['KUBE-', 'CILIUM', 'sshuttle-', 'cali-', 'ufw-', 'ufw6-', 'f2b-', 'fail2ban', 'LIBVIRT_'];

export const OWNED_BY_TOOL = new RegExp(`^(?:${[...SHARED, 'CNI-', 'FLANNEL', 'WEAVE', 'FORWARD_', 'INPUT_', 'OUTPUT_', 'IN_', 'FWD_', 'FWDI_', 'FWDO_', 'POST_', 'PRE_', 'OLCNE', 'KUBE_', 'NETAVARK', 'PODMAN', 'TWISTLOCK', 'OPENSHIFT'].join('|')})`);

export const EXISTS_WHERE_TOOL_RUNS = new RegExp(`^(?:${[...SHARED, 'ts-', 'crowdsec', 'sshguard', 'nixos-fw', '(?:INPUT|FORWARD|OUTPUT|PREROUTING|POSTROUTING)_(?:direct|ZONES)', '(?:IN|FWDI|FWDO|FWD|PRE|POST)_[a-z]'].join('|')})`);
