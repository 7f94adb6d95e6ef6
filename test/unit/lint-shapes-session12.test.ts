/**
 * Text shapes found by the spent blind holdouts 26 and 27 (each text cut from the published set named in the test):
 * a sentence that names iptables, a `case` pattern before a command, Markdown inline code holding a command, an
 * apostrophe in a sentence, and a plain deny of a Docker bridge in DOCKER-USER.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintRules } from '../../src/core/lint/engine';
import { all, findings } from './lint-findings';


test('a systemd unit\'s `Description=Restore iptables rules for Docker ports` names iptables, it does not call it (holdout 26, ru-open-service)', () => {
  const unit = "cat > /etc/systemd/system/fw.service <<'EOF'\n[Unit]\nDescription=Restore iptables rules for Docker ports\nAfter=docker.service\nEOF\n";
  assert.deepEqual(findings(unit), []);
  // a word after the binary: iptables takes options only, so a sentence; a doubled binary or an upper-case word stays a typo
  assert.deepEqual(findings('sudo iptables is needed for this\n'), []);
  assert.deepEqual(findings('iptables iptables -A DOCKER-USER -j DROP\n'), ['1 syntax/unexpected-token']);
  assert.ok(findings('iptables A DOCKER-USER -j DROP\n').length > 0, 'a missing dash is still an error');
});

test('a `case` pattern before a command: `--check)` is no option line, `start)` runs the iptables call after it (holdout 26, pl-kag-wg-guard)', () => {
  const text = '#!/bin/bash\ncase "$1" in\n  --remove)  MODE="remove" ;;\n  --check)  MODE="check" ;;\nesac\niptables -I DOCKER-USER -s 10.8.0.0/24 -j RETURN\n';
  assert.deepEqual(findings(text), []);
  const run = '#!/bin/bash\ncase "$1" in\n  start) iptables -I DOCKER-USER -i eth0 -j DROP ;;\nesac\n';
  assert.deepEqual(findings(run), ['3 docker-user/missing-established']);
  // no fix inserts a line into the case list (a new line there would be a pattern without its `)`)
  assert.ok(lintRules(run).diagnostics.every((d) => d.fixes.length === 0));
});

test('Markdown inline code holding a command is read; the sentence around it is not (holdout 26, nuxeo-operator and readme-notes)', () => {
  const text = '# Notes\n\nFirst: `sudo iptables -P FORWARD ACCEPT`. Then restart docker.\n\n`iptables -I DOCKER-USER -i enp1s0 ! -s 127.0.0.1 -j DROP`\n';
  assert.deepEqual(findings(text), ['3 rules/wipes-docker', '5 docker-user/missing-established']);
  // the finding points into the code span; a bare `iptables` or a listing named in a sentence is not a rule
  const wipe = lintRules(text).diagnostics.find((d) => d.code === 'rules/wipes-docker');
  assert.ok(wipe && wipe.span.start >= 8 && wipe.span.end <= 39, 'inside the code span');
  assert.deepEqual(findings('Docker writes `iptables` rules; see `iptables -L -n` for them.\n'), []);
});

test('an apostrophe in a sentence (`libvirt\'s`, `won\'t`) on a line without an iptables call is no unterminated quote (holdout 26, nobara-workstation)', () => {
  const text = "sudo iptables -I DOCKER-USER -i virbr0 -j ACCEPT\nand then libvirt's bridge `iptables`-managed rules won't be Docker's problem.\n";
  assert.deepEqual(all(text).filter((f) => f.includes('unterminated')), []);
  // a quote opened after a blank (`bash -c '` never closed) stays an error, as bash refuses the script
  assert.ok(findings("iptables -I DOCKER-USER -i eth0 -j DROP\nbash -c '\n  iptables -L\n").includes('2 syntax/unterminated-quote'));
  // and one inside a line that is an iptables call stays too
  assert.ok(findings("iptables -I DOCKER-USER -m comment --comment 'it -j DROP\n").includes('1 syntax/unterminated-quote'));
});

test('`-I DOCKER-USER -i docker0 -j DROP` takes every connection the default bridge\'s containers open (holdout 27, protocol-test-server)', () => {
  // the published block: DNS accepted above it is no egress allow list (no connection is left to make)
  const text = 'sudo iptables -I DOCKER-USER -i docker0 -j DROP\nsudo iptables -I DOCKER-USER -i docker0 -p udp --dport 53 -j ACCEPT\n';
  assert.deepEqual(severities(text, 'docker-user/cuts-egress'), ['warning']);
  // accepting HTTPS above it: an egress allow list, said as info
  const allow = 'iptables -I DOCKER-USER -i docker0 -j DROP\niptables -I DOCKER-USER -i docker0 -p tcp --dport 443 -j ACCEPT\n';
  assert.deepEqual(severities(allow, 'docker-user/cuts-egress'), ['info']);
  // one user network's bridge cut off: a common isolation, not judged; with an output interface the deny is not plain
  assert.deepEqual(severities('iptables -I DOCKER-USER -i br-3f2a9c1d0e4b -j DROP\n', 'docker-user/cuts-egress'), []);
  assert.deepEqual(severities('iptables -I DOCKER-USER -i br-+ -j DROP\n', 'docker-user/cuts-egress'), ['warning']);
  assert.deepEqual(severities('iptables -I DOCKER-USER -i docker0 -o eth0 -j DROP\n', 'docker-user/cuts-egress'), []);
});

function severities(text: string, code: string): string[] {
  return lintRules(text).diagnostics.filter((d) => d.code === code).map((d) => d.severity);
}

test('a program\'s argument list or command string holds the command it runs; printed, partial or text fields are not read (holdout 26, vpn-panel and smsly)', () => {
  const go = 'exec.Command("sudo", "iptables", "-P", "FORWARD", "ACCEPT").Run()\n';
  assert.deepEqual(findings(go), ['1 rules/wipes-docker']);
  const py = 'import os\nos.system(f"iptables -I DOCKER-USER -i {iface} -j DROP")\nsubprocess.run(["iptables", "-A", "DOCKER-USER", "-s", ip, "-j", "DROP"])\n';
  // the filled-in value is an unknown word: the interface is unknown, so no reply-drop verdict; the -A is after Docker's RETURN
  assert.deepEqual(findings(py), ['3 docker-user/after-return']);
  assert.deepEqual(findings('os.system("iptables -t nat -F".split())\n'), ['1 rules/wipes-docker']);
  // cloud-init's runcmd list form: plain YAML words
  assert.deepEqual(findings('#cloud-config\nruncmd:\n  - [ iptables, -P, FORWARD, ACCEPT ]\n  - [ sh, -c, "echo hi" ]\n'), ['3 rules/wipes-docker']);
  // one of the commands a program joins into one script (`f"…; "` pieces) is whole
  assert.deepEqual(findings('script = (\n    "iptables -P FORWARD ACCEPT; "\n)\n'), ['2 rules/wipes-docker']);
  // printed, joined to more text, a prefix, a shell command's argument, a task name: not commands
  for (const text of [
    'print("iptables -F FORWARD")\n',
    'fmt.Println("iptables -P FORWARD ACCEPT")\n',
    'run("iptables -I DOCKER-USER -p tcp --dport " + port + " -j DROP")\n',
    'ipt="iptables -I PREROUTING 1 -t raw "\n',
    'curl -c "iptables -P FORWARD ACCEPT" https://example.com\n',
    '- name: "iptables -P FORWARD ACCEPT"\n',
    "alias block-ip='iptables -I DOCKER-USER -j DROP -s'\n",
    'exec.Command("iptables", args...)\n',
  ]) assert.deepEqual(findings(text), [], text);
});

test('firewalld direct rules are read as the iptables commands firewalld runs: priority order at the top of the chain (holdout 27, zh-notes-firewalld)', () => {
  // priority 0 DROP before the priority 1 ACCEPT, whatever the order of the lines: it lands above the exception
  const text = 'firewall-cmd --direct --add-rule ipv4 filter DOCKER-USER 1 -s 10.0.0.0/8 -j ACCEPT\nfirewall-cmd --direct --add-rule ipv4 filter DOCKER-USER 0 -j DROP\n';
  assert.deepEqual(findings(text), ['2 docker-user/cuts-egress', '2 docker-user/missing-established', '2 rules/insert-order']);
  // in the order written (0, then 1), the ACCEPT after the unconditional DROP is never reached
  const inOrder = 'firewall-cmd --direct --add-rule ipv4 filter DOCKER-USER 0 -j DROP\nfirewall-cmd --direct --add-rule ipv4 filter DOCKER-USER 1 -s 10.0.0.0/8 -j ACCEPT\n';
  assert.ok(findings(inOrder).includes('2 rules/shadowed'));
  // lower priority first: the ACCEPT of priority 0 comes before the REJECT of priority 10 (no shadowing), above Docker's RETURN
  const ok = 'firewall-cmd --permanent --direct --add-rule ipv4 filter DOCKER-USER 10 -i eth0 -p tcp --dport 5432 -j REJECT\nfirewall-cmd --permanent --direct --add-rule ipv4 filter DOCKER-USER 0 -i eth0 -s 10.0.0.0/8 -j RETURN\nfirewall-cmd --reload\n';
  assert.deepEqual(findings(ok).filter((f) => !f.includes('missing-established')), []);
  // the same rules given for the running and the permanent firewall are one rule set, not duplicates
  const both = 'firewall-cmd --direct --add-rule ipv4 filter DOCKER-USER 0 -i eth0 -s 10.0.0.0/8 -j RETURN\nfirewall-cmd --permanent --direct --add-rule ipv4 filter DOCKER-USER 0 -i eth0 -s 10.0.0.0/8 -j RETURN\n';
  assert.deepEqual(findings(both), []);
  // a builtin chain's direct rules live in firewalld's own chain (moby#33726), not above Docker's rules
  assert.deepEqual(findings('firewall-cmd --direct --add-rule ipv4 nat POSTROUTING 0 -j SNAT -s 172.31.0.0/16 --to-source 10.10.1.2\niptables -t nat -I POSTROUTING -j SNAT -s 172.31.0.0/16 --to-source 10.10.1.2\n'), []);
  // passthrough: the iptables arguments as given
  assert.deepEqual(findings('firewall-cmd --direct --passthrough ipv4 -P FORWARD ACCEPT\n'), ['1 rules/wipes-docker']);
});

test('a user chain named after DOCKER-USER (`DOCKER-USER-YES`) that nothing jumps to is unused; DOCKER-USER and Docker\'s own chains are not (holdout 26, patch-docker-user)', () => {
  const text = 'iptables -N DOCKER-USER-YES\n#iptables -A DOCKER-USER -s 172.0.0.0/8 -j DOCKER-USER-YES\niptables -A DOCKER-USER-YES -j LOG\niptables -A DOCKER-USER-YES -j RETURN\n';
  assert.deepEqual(findings(text), ['1 rules/unused-chain']);
  assert.deepEqual(findings('iptables -N DOCKER-USER\niptables -A DOCKER-USER -i eth0 -s 10.0.0.0/8 -j RETURN\n'), []);
  assert.deepEqual(findings('*nat\n:DOCKER_OUTPUT - [0:0]\n-A DOCKER_OUTPUT -d 127.0.0.11/32 -p udp --dport 53 -j DNAT --to-destination 127.0.0.11:45678\nCOMMIT\n').filter((f) => f.includes('unused')), []);
});

test('inline code a sentence talks about is not run: only code alone on its line or given after a colon is read', () => {
  assert.deepEqual(findings('Note that `iptables -F` also deletes the rules Docker created.\n'), []);
  assert.deepEqual(findings('Do not run: `iptables -P FORWARD ACCEPT`\n'), []);
  assert.deepEqual(findings('- `iptables -P FORWARD ACCEPT`\n'), ['1 rules/wipes-docker']);
  assert.deepEqual(findings('To open forwarding: `iptables -P FORWARD ACCEPT`.\n'), ['1 rules/wipes-docker']);
  assert.deepEqual(findings('执行：`iptables -P FORWARD ACCEPT`\n'), ['1 rules/wipes-docker']);
  assert.deepEqual(findings('不要执行：`iptables -P FORWARD ACCEPT`\n'), []);
});

test('configuration managers\' commands: Salt\'s cmd.run name, Puppet\'s `command =>`, Chef\'s `command \'…\'`; an Ansible task title is not one', () => {
  const salt = 'docker-user-drop:\n  cmd.run:\n    - name: iptables -I DOCKER-USER -i eth0 -j DROP\n    - unless: iptables -C DOCKER-USER -i eth0 -j DROP\n';
  assert.deepEqual(findings(salt), ['3 docker-user/missing-established']);
  assert.deepEqual(findings('- name: iptables -I DOCKER-USER -i eth0 -j DROP\n  debug:\n    msg: done\n'), []);
  const puppet = "exec { 'forward':\n  command => '/sbin/iptables -P FORWARD ACCEPT',\n}\n";
  assert.deepEqual(findings(puppet), ['2 rules/wipes-docker']);
  assert.deepEqual(findings("execute 'forward' do\n  command 'iptables -P FORWARD ACCEPT'\nend\n"), ['2 rules/wipes-docker']);
});

test('a compose service\'s or pod\'s command runs in its container, a Dockerfile RUN in a build container: not the host\'s rules (unless the host network is shared)', () => {
  const compose = 'services:\n  fw:\n    image: alpine\n    entrypoint: ["iptables", "-P", "FORWARD", "ACCEPT"]\n';
  assert.deepEqual(findings(compose), []);
  assert.ok(all(compose).some((f) => f.startsWith('4 info syntax/not-iptables')));
  assert.deepEqual(findings(compose.replace('image: alpine', 'image: alpine\n    network_mode: host')), ['5 rules/wipes-docker']);
  const pod = 'kind: Pod\nspec:\n  containers:\n    - name: fw\n      command: ["iptables", "-P", "FORWARD", "ACCEPT"]\n';
  assert.deepEqual(findings(pod), []);
  assert.deepEqual(findings('FROM alpine\nRUN ["iptables", "-P", "FORWARD", "ACCEPT"]\n'), []);
});

test('`! -s <your-ip>` / `! -s $ADMIN_IP` is everyone but the address filled in: a DROP of it also takes the replies to container egress (Docker docs\' shape)', () => {
  for (const who of ['<your-ip>', '$ADMIN_IP', '"${ADMIN_IP}"']) {
    assert.deepEqual(findings(`iptables -I DOCKER-USER -i eth0 ! -s ${who} -j DROP\n`), ['1 docker-user/missing-established'], who);
  }
  // with RELATED,ESTABLISHED accepted above it, nothing to say; a filled-in source that is not negated is left alone
  assert.deepEqual(findings('iptables -I DOCKER-USER -i eth0 ! -s $ADMIN_IP -j DROP\niptables -I DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n'), []);
  assert.deepEqual(findings('iptables -I DOCKER-USER -i eth0 -s $BAD_IP -j DROP\n'), []);
});

test('cuts-egress says "and its replies" only for a deny that can take them (not `--syn`, not `--ctstate NEW`)', () => {
  const message = (text: string) => lintRules(text).diagnostics.find((d) => d.code === 'docker-user/cuts-egress')?.message ?? '';
  assert.ok(message('iptables -I DOCKER-USER -j DROP\n').includes('(and its replies)'));
  assert.ok(!message('iptables -I DOCKER-USER -p tcp --syn -j DROP\n').includes('replies'));
  assert.ok(!message('iptables -I DOCKER-USER -m conntrack --ctstate NEW -j DROP\n').includes('replies'));
});

test('a restore file kept as a YAML list of quoted lines is read as that file; the YAML around it is not (holdout 27, ansible-role-secure-docker-defaults)', () => {
  const vars = 'rules:\n  - "*filter"\n  - ":BEFORE_DOCKER - [0:0]"\n- name: "Default action"\n  rules:\n  - "-A BEFORE_DOCKER -j DROP"\n  - "-A BEFORE_DOCKER -i lo -j ACCEPT"\n  - "COMMIT"\n';
  assert.deepEqual(findings(vars), ['3 rules/unused-chain', '7 rules/shadowed']);
  // a finding points at the item as written; one quoted line alone, or a text with iptables commands, is not read so
  assert.deepEqual(findings('opts:\n  - "-A X -j DROP"\n'), []);
  assert.deepEqual(findings('iptables -I DOCKER-USER -i eth0 -s 10.0.0.0/8 -j RETURN\nlist:\n  - "-A X -j DROP"\n  - "-A X -j ACCEPT"\n'), []);
});

test('an ip6tables line keeps the errors of its shape: three commands joined on one line are refused (holdout 26, cis-rhel-hardening)', () => {
  const text = 'ip6tables -A INPUT -i lo -j ACCEPT ip6tables -A OUTPUT -o lo -j ACCEPT\n';
  assert.ok(findings(text).includes('1 syntax/unexpected-token'));
  // its values stay the IPv6 rule set's (no IPv4 reading of an IPv6 address or ICMPv6 type)
  assert.deepEqual(findings('ip6tables -A INPUT -s ::1 -p ipv6-icmp --icmpv6-type 128 -j ACCEPT\n'), []);
});

test('a Jinja template of a script: statement tags are the template\'s, `{{ value }}` an unknown word anywhere (holdout 28, ansible iptables.sh.j2)', () => {
  const j2 = [
    '#!/bin/bash',
    '{% if item.flush %}',
    'iptables -F INPUT',
    '{% endif %}',
    'iptables -P FORWARD {{ item.default_forward }}',
    '{% for rule in item.rules %}',
    'iptables -A {{ rule.chain }} \\',
    '  {% if rule.proto is defined %} -p {{ rule.proto }}{% endif %} \\',
    '  {% if rule.dport is defined %} --dport {{ rule.dport }}{% endif %} \\',
    '  -j {{ rule.action|upper }}',
    '{% endfor %}',
    '',
  ].join('\n');
  assert.deepEqual(findings(j2), []);
  // the policy a template fills in is said, not judged
  assert.ok(all(j2).some((f) => f.startsWith('5 info syntax/bad-policy')));
  // a shell variable as policy or chain is the same unknown
  assert.deepEqual(findings('iptables -P FORWARD $POLICY\niptables -A $CHAIN -j DROP\n'), []);
});

test('text that starts with an option is a sentence or a usage line, not a rule (holdouts 29 and 30)', () => {
  assert.deepEqual(findings('-A appends a rule to the INPUT chain, -p specifies the protocol\n'), []);
  assert.deepEqual(findings('-P 控制默认规则\n'), []);
  assert.deepEqual(findings('iptables -p tcp : 表示使用 TCP协议\n'), []);
  // a rule with a note after it keeps its errors; so does a restore line in a *table section
  assert.ok(findings('iptables -I INPUT -p icmp --icmp-type 8 DROP   // ping协议\n').some((f) => f.includes('syntax/')));
  assert.ok(findings('*filter\n-A INPUT appends a rule to the chain\nCOMMIT\n').some((f) => f.includes('syntax/')));
  // a usage text printed by `cat <<USAGE` is text; a here-document piped into iptables-restore is still read
  const usage = 'usage() {\n  cat <<USAGE\n   -b / --binary    iptables binary\n   -n / --noop      Dry run / no iptables rule is applied\nUSAGE\n}\niptables -I DOCKER-USER -s 10.0.0.0/8 -j RETURN\n';
  assert.deepEqual(findings(usage), []);
  const piped = "( echo '*filter'\n  cat <<EOF\n-A DOCKER-USER -j DROP\n-A DOCKER-USER -j DROP\nEOF\n  echo COMMIT ) | iptables-restore -n\n";
  assert.ok(findings(piped).includes('4 rules/shadowed'));
});

test('shell and markup around commands: a `case` option pattern, Markdown `:::`, a prompt `:~$`, a program\'s `iptables = …` (holdouts 29 and 30)', () => {
  const getopts = '#!/bin/bash\ncase "$1" in\n  -i|--interface)  iface="$2"; shift 2 ;;\n  -b|--binary)     binary="$2"; shift 2 ;;\nesac\niptables -I DOCKER-USER -s 10.0.0.0/8 -j RETURN\n';
  assert.deepEqual(findings(getopts), []);
  assert.deepEqual(findings('::: note\nsudo iptables -I DOCKER-USER -s 10.0.0.0/8 -j RETURN\n:::\n:~$ ./deploy.sh\n'), []);
  // outside a *table section a real chain line is still one: a fragment of a restore file
  assert.deepEqual(all(':INPUT ACCEPT [0:0]\n'), ['1 info lint/fragment']);
  assert.deepEqual(findings('\t\tiptables = NewIPTablesManager("HELLO", "managed")\n\t\tsudo iptables = New()\n\t\tiptables -w = New()\n'), []);
});

test('an apostrophe after a digit or inline code (`clouddrive2\'s`, `` `-i eth0`\'s ``) is no unterminated quote (holdout 29, fame-host)', () => {
  const text = "sudo iptables -I DOCKER-USER -s 10.0.0.0/8 -j RETURN\nports inside it (currently clouddrive2's `19798`).\ntraffic never matches `-i eth0`'s rule\n";
  assert.deepEqual(findings(text), []);
});

test('a here-document inside a body the shell runs (`ssh node <<\'EOF\'` … `cat > unit <<\'UNIT\'`) is a file of its own (holdout 30, livekit)', () => {
  const text = [
    "ssh node <<'EOF'",
    'iptables -C DOCKER-USER -i wg0 -j ACCEPT 2>/dev/null || iptables -I DOCKER-USER -i wg0 -j ACCEPT',
    "cat > /etc/systemd/system/wg.service <<'UNIT'",
    "ExecStart=/bin/sh -c 'iptables -C DOCKER-USER -i wg0 -j ACCEPT 2>/dev/null || iptables -I DOCKER-USER -i wg0 -j ACCEPT'",
    'UNIT',
    'EOF',
    '',
  ].join('\n');
  assert.deepEqual(findings(text), []);
});
