/**
 * Holdout 41 (test/fixtures/lint/holdout41): rule dumps and listings (`iptables-save`, `iptables -S`, `-nvL`, `-L`)
 * and the rules users added, posted in issue threads and notes of projects other than Docker itself, from hosts that
 * also run Docker — k3s / microk8s / kind, Tailscale, WireGuard, Podman, LXD / Incus, libvirt / KVM, firewalld,
 * CrowdSec, fail2ban, OpenVPN, Proxmox, Netbird, ZeroTier, Nomad — with expectations written before the linter was run
 * on them (docs/lint-holdout41.md). Checked for format and independence from the earlier sets and from holdout 42 (same
 * round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(41, { sibling: 42, findingsShare: true });
