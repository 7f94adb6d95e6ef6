/**
 * Input shapes holdout 4 showed (docs/lint-holdout.md, "Holdout 4"; each set's source is named in its file) that the
 * linter misread: YAML / Markdown list items, text underlines, shell `case` patterns, a wrapper's `"$@"`, the other
 * address family's chains, a quoted value holding restore text, an unquoted here-document's `\`-newline. Expected
 * answers from how bash and iptables-restore read them (the continuation one checked by the holdout's author in a
 * scratch namespace: the file loads).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintRules } from '../../src/core/lint';

const loud = (text: string) => lintRules(text).diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.span.line + 1} ${d.code}`);

test('a cloud-init runcmd list item is the command after the dash; other items are not rules', () => {
  // holdout4/hetzner-fleet-cloud-init-metadata-drop
  const yaml = '#cloud-config\nwrite_files:\n  - path: /etc/alethia/squid.conf\n    permissions: "0644"\nruncmd:\n  - curl -fsSL https://get.docker.com | sh\n  - iptables -I DOCKER-USER -d 169.254.169.254 -j DROP || true\n  - iptables -I DOCKER-USER -j DROP\n';
  assert.deepEqual(loud(yaml).filter((f) => f.includes('syntax/')), [], 'no syntax finding on the YAML');
  // the list items' iptables commands are linted: the unconditional DROP on line 8 is judged
  assert.ok(loud(yaml).includes('8 docker-user/cuts-egress'), loud(yaml).join(' | '));
  // Markdown bullets in a guide, likewise
  assert.deepEqual(loud('- iptables -I DOCKER-USER -i eth0 -s 203.0.113.0/24 -j RETURN\n'), []);
});

test('a text underline, a case pattern and a wrapper\'s "$@" are not iptables syntax errors', () => {
  // holdout4/openstack-operator-docs-calico-accept-all (reStructuredText), runner-egress-append-via-function
  assert.deepEqual(loud('Allow the pods\n-----------\niptables -I DOCKER-USER -s 10.0.0.0/8 -j RETURN\n'), []);
  const wrapper = 'add_rule() {\n  iptables -C DOCKER-USER "$@" 2>/dev/null || iptables -I DOCKER-USER "$@"\n}\ncase "$1" in\n  start) add_rule -s 10.0.0.0/8 -j RETURN ;;\n  *) echo usage ;;\nesac\niptables -A "$CHAIN" "${ret[@]}"\n';
  assert.deepEqual(loud(wrapper).filter((f) => f.includes('syntax/')), [], loud(wrapper).join(' | '));
  // a real unexpected argument is still one
  assert.ok(loud('iptables -I DOCKER-USER -s 10.0.0.0/8 RETURN\n').some((f) => f.includes('syntax/unexpected-token')));
});

test('ip6tables -N after iptables -N of the same chain: another family\'s chain, not "chain already exists"', () => {
  // holdout4/justavps-guard-chain-bridges-only, 1panel-offline-egress-chain-accepts-private
  const text = 'iptables -N GUARD 2>/dev/null || true\niptables -A GUARD -j RETURN\nip6tables -N GUARD 2>/dev/null || true\niptables -I DOCKER-USER -j GUARD\n';
  assert.deepEqual(loud(text).filter((f) => f.includes('chain-exists')), []);
  // the same family twice is still reported
  assert.ok(lintRules('iptables -N GUARD\niptables -N GUARD\n').diagnostics.some((d) => d.code === 'syntax/chain-exists'));
});

test('restore text held in a quoted shell value is content: no unterminated quote, its rules still judged', () => {
  // holdout4/wanforge-ufw-patch-lowercase-docker-user: `local patch="` … `# END UFW AND DOCKER"`
  const text = 'patch_after_rules() {\n  local patch="\n*filter\n:docker-user - [0:0]\n-A docker-user -j RETURN\nCOMMIT\n# END"\n  printf "%s" "$patch" >> /etc/ufw/after.rules\n}\n';
  const ds = lintRules(text).diagnostics;
  assert.ok(!ds.some((d) => d.code === 'syntax/unterminated-quote'), ds.map((d) => d.code).join(' '));
  assert.ok(ds.some((d) => d.code === 'rules/unused-chain'), 'the chain nothing jumps to is still found in the value');
});

test('a `\\` at a line end inside an unquoted here-document is joined by the shell: no restore-continuation; quoted, it is', () => {
  // holdout4/racknerd-ufw-after-rules-unquoted-heredoc-continuation
  const body = '*filter\n:ufw-docker-logging-deny - [0:0]\n-A ufw-docker-logging-deny -m limit --limit 3/min \\\n  -j LOG --log-prefix "[UFW DOCKER BLOCK] "\n-A ufw-docker-logging-deny -j DROP\nCOMMIT\nEOF\n';
  const code = (delim: string) => lintRules(`cat >> /etc/ufw/after.rules <<${delim}\n${body}`).diagnostics.filter((d) => d.code === 'syntax/restore-continuation').map((d) => d.span.line + 1);
  assert.deepEqual(code('EOF'), []);
  assert.deepEqual(code("'EOF'"), [4], 'a quoted delimiter keeps the backslash: iptables-restore refuses it');
});

test('an interface given as a shell variable may be the uplink: the walk is undecided there, so no cuts-egress warning', () => {
  // holdout4/ghost-ru-readme-flush-egress-accept-append-drop: OUT_IF computed from `ip route get`, container egress
  // accepted through it before the final DROP
  const text = 'OUT_IF=$(ip route get 8.8.8.8 | awk \'{print $5}\')\niptables -F DOCKER-USER\niptables -I DOCKER-USER -m state --state RELATED,ESTABLISHED -j ACCEPT\niptables -A DOCKER-USER -o $OUT_IF -j ACCEPT\niptables -A DOCKER-USER -j DROP\n';
  assert.deepEqual(loud(text).filter((f) => f.includes('cuts-egress')), []);
  // without that ACCEPT the DROP does take the containers' egress
  assert.ok(loud(text.replace('iptables -A DOCKER-USER -o $OUT_IF -j ACCEPT\n', '')).includes('4 docker-user/cuts-egress'));
});

test('netfilter-persistent flush once Docker runs wipes Docker\'s rules; before Docker is there, or while it is stopped, it does not', () => {
  // holdout4/swarm-node-netfilter-persistent-flush-after-docker: right after `service docker restart`
  assert.ok(loud('apt-get install -y docker-ce\nservice docker restart\nnetfilter-persistent flush\n').includes('3 rules/wipes-docker'));
  assert.deepEqual(loud('apt-get install -y iptables-persistent\nnetfilter-persistent flush\napt-get install -y docker-ce\n'), []);
  assert.deepEqual(loud('systemctl stop docker\nnetfilter-persistent flush\nsystemctl start docker\n'), []);
});

test('-I FORWARD ACCEPT to a Docker bridge lands above Docker\'s jump to DOCKER-USER: a warning; from a bridge: info', () => {
  // holdout4/owasp-bootcamp-flush-and-forward-accepts-above-docker-user
  const text = 'iptables -I FORWARD -i docker0 -j ACCEPT\niptables -I FORWARD -o docker0 -j ACCEPT\niptables -I FORWARD -i br-+ -j ACCEPT\niptables -I FORWARD -o br-+ -j ACCEPT\n';
  const ds = lintRules(text).diagnostics.filter((d) => d.code === 'swarm/not-docker-user').map((d) => `${d.span.line + 1} ${d.severity}`);
  assert.deepEqual(ds, ['1 info', '2 warning', '3 info', '4 warning']);
  // at a later position (below Docker's jump) it is not above it
  assert.deepEqual(lintRules('iptables -I FORWARD 5 -o docker0 -j ACCEPT\n').diagnostics.filter((d) => d.code === 'swarm/not-docker-user').map((d) => d.severity), []);
});
