/**
 * Holdout 39 (test/fixtures/lint/holdout39): rule sets from automation that provisions Docker / Swarm / Kubernetes
 * hosts' firewalls without being a classic Ansible role — systemd units and `ExecStartPost=` drop-ins, cloud-init
 * user data and Terraform templates (runcmd, remote-exec, write_files rules.v4), NixOS modules, node bootstrap scripts
 * and generators (kubeadm, AKS, MicroK8s, kind) — and listings from bug-report threads, with expectations written
 * before the linter was run on them (docs/lint-holdout39.md). Checked for format and independence from the earlier
 * sets and from holdout 37 (same round); the score is printed (./lint-holdout-checks.ts).
 */
import { holdoutTests } from './lint-holdout-checks';

holdoutTests(39, { sibling: 37, findingsShare: true });
