/**
 * Rules that Docker or another tool generated (kube-proxy, Cilium, k3s/flannel, Calico, Weave, ufw, fail2ban,
 * firewalld, libvirt): in a dump or listing they are taken as given — the user cannot act on them, so they are
 * never reported as the user's mistake (they still decide where a user rule runs).
 */
import type { Rule } from '../iptables/model';
import type { Pass } from './pass';
import { bareRuleLines } from './rules/notACommand';
import { OWNED_BY_TOOL } from './toolChains';

const TOOL_COMMENT = /(kubernetes|cilium|k3s|flannel|cali:|calico|kube-router|weave|netavark)/i;

/** Interfaces other tools create (flannel/k3s cni0, kube-router, Calico, Cilium, Weave). */
const TOOL_IFACE = /^(virbr\d|cni\d|cni-|flannel|kube-bridge|kube-dummy|cali|cilium_|lxc|weave|vxlan\.calico|tunl0)/;

function toolRule(rule: Rule, dockerLike: boolean, dockerOwned: boolean): boolean {
  if (dockerOwned || OWNED_BY_TOOL.test(rule.chain)) return true;
  if ([rule.inInterface, rule.outInterface].some((b) => b && TOOL_IFACE.test(b.value))) return true;
  const t = rule.target?.name ?? '';
  if (OWNED_BY_TOOL.test(t) || (t.startsWith('DOCKER') && t !== 'DOCKER-USER') || (t === 'DOCKER-USER' && rule.chain === 'FORWARD')) return true;
  if (dockerLike && rule.chain !== 'DOCKER-USER' && rule.chain !== 'INPUT' && rule.chain !== 'OUTPUT') return true;
  for (const m of rule.matches) {
    for (const o of m.options) {
      if (o.name === 'comment' && TOOL_COMMENT.test(o.args.join(' '))) return true;
      if (o.name === 'match-set' && /^(docker-|KUBE-|cilium|f2b-)/.test(o.args[0] ?? '')) return true;
      if (o.name === 'ipvs' || o.name === 'vaddr') return true;
    }
  }
  return false;
}

/** The generated rules of a dump or listing (a user's rule file has none but the bare restore lines of a script). */
export function generatedRules(p: Pass): Set<Rule> {
  const out = new Set<Rule>();
  if (p.kind === 'proposal') {
    // bare restore-format lines in a shell script never run (syntax/not-a-command says so): not judged as rules
    const bare = new Set(bareRuleLines(p));
    for (const { rule } of p.doc) if (bare.has(rule.line)) out.add(rule);
    return out;
  }
  for (const { rule, f } of p.doc) {
    // a dump's nat/mangle/raw tables are Docker's (routing mesh, embedded DNS, IPVS marks) or other tools'
    if (rule.table !== 'filter' || toolRule(rule, f.dockerLike, f.dockerOwned)) out.add(rule);
  }
  return out;
}
