/** docker/nftables-backend: the node's engine uses the nftables backend, which has no DOCKER-USER. */
import type { LintRule } from '../rule';
import { add, docLine, lineSpan } from '../pass';

export function nftablesBackend(p: Parameters<LintRule['check']>[0]): boolean {
  return /nftables/i.test(p.pc.ctx?.firewallBackend ?? '');
}

export const nftablesBackendRule: LintRule = {
  code: 'docker/nftables-backend',
  severity: 'warning',
  description: 'Node context: the engine uses the nftables firewall backend, where DOCKER-USER does not exist.',
  docs: 'Docker 29 can use nftables instead of iptables (experimental, not allowed with Swarm; `/info` FirewallBackend on 28.1+). It then creates tables `ip docker-bridges`/`ip6 docker-bridges` and no DOCKER-USER chain: rules written for DOCKER-USER do nothing. The linter says so instead of linting the rules as if the chain existed.',
  check(p) {
    if (!nftablesBackend(p)) return;
    const du = p.doc.find((d) => d.rule.chain === 'DOCKER-USER');
    const at = du?.rule.line ?? 0;
    add(p, 'docker/nftables-backend', du ? 'warning' : 'info',
      `${p.pc.ctx?.nodeName ? `Node ${p.pc.ctx.nodeName}` : 'The node'} runs Docker${p.pc.ctx?.engineVersion ? ` ${p.pc.ctx.engineVersion}` : ''} with the nftables firewall backend: there is no DOCKER-USER chain (Docker's rules are in the nftables tables ip docker-bridges / ip6 docker-bridges), so DOCKER-USER rules do nothing there. Use nftables rules in a separate table (or --bridge-accept-fwmark), or switch the daemon back to iptables (required for Swarm).`,
      du ? du.rule.span : lineSpan(at, docLine(p, at) ?? ''));
  },
};
