/**
 * The rule-argument parser (ruleArgs.ts, ruleOptions.ts, ruleCommand.ts, ruleChecks.ts) and the shell around
 * iptables calls (shellLine.ts), judged against the kernel: each KERNEL case was run as `iptables <case>` with
 * iptables v1.8.9 (nf_tables) in a throw-away network namespace (`unshare -n`, chain X created first) on
 * 2026-12-06; "ok" = iptables accepted it, "refused" = it exited with an error. Our parse of the same command line
 * must give an error exactly when iptables refused it, and these exact errors (code, columns, message).
 * Not in the table (the kernel decides them from state, not syntax): `-C` (rule exists?), `-m set` (set exists?).
 * Known disagreements, left as they are and said in the report: old-style `--dport ! 22` (1.8.9
 * refuses it, we read it as negation), attached values of -p/-j (`-pudp`: 1.8.9 refuses), -m multiport before -p.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRules, parseRuleLine, newLineState } from '../../src/core/iptables/parse';
import type { Rule, RuleDiagnostic, Ruleset } from '../../src/core/iptables/model';

/** [arguments after `iptables`, what iptables 1.8.9 did, our errors as "code start-end message" on the line `iptables <args>`]. */
const KERNEL: [string, 'ok' | 'refused', string[]][] = [
  // interfaces a hook does not have, DROP/REJECT in nat, getopt_long prefixes (holdout 6; run 2026-12-06, session 8)
  ["-A OUTPUT -i eth0 -j DROP", "refused", ["syntax/bad-interface 22-26 iptables refuses -i in OUTPUT (\"Can't use -i with OUTPUT\"): the packet has no input interface there"]],
  ["-A INPUT -o eth0 -j DROP", "refused", ["syntax/bad-interface 21-25 iptables refuses -o in INPUT (\"Can't use -o with INPUT\"): the packet has no output interface yet"]],
  ["-t nat -A POSTROUTING -i eth0 -j MASQUERADE", "refused", ["syntax/bad-interface 34-38 iptables refuses -i in POSTROUTING (\"Can't use -i with POSTROUTING\"): the packet has no input interface there"]],
  ["-t nat -A PREROUTING -o eth0 -j RETURN", "refused", ["syntax/bad-interface 33-37 iptables refuses -o in PREROUTING (\"Can't use -o with PREROUTING\"): the packet has no output interface yet"]],
  ["-t nat -A PREROUTING -j DROP", "refused", ["syntax/unknown-target 30-37 iptables refuses DROP in the nat table (\"The nat table is not intended for filtering, the use of DROP is therefore inhibited\"): filter in DOCKER-USER or INPUT"]],
  ["-t nat -A PREROUTING -j REJECT", "refused", ["syntax/unknown-target 30-39 the kernel refuses REJECT in nat PREROUTING (REJECT is valid in filter INPUT, FORWARD and OUTPUT): filter in DOCKER-USER or INPUT"]],
  ["-L INPUT -n --line-number", "ok", []],
  ["-t nat -A PREROUTING -p tcp --dport 80 -j REDIRECT --to-port 3128", "ok", []],
  ["-A INPUT -p tcp --dpor 22 -j ACCEPT", "ok", []],
  ["-I INPUT -m conntrack --ctorigdstport 80 --ctd ORIGINAL -j DROP", "ok", []],
  ["-A FORWARD -i x -o y -j DROP", "ok", []],
  ["-A INPUT -p tcp --dportz 22 -j ACCEPT", "refused", ["syntax/unknown-option 25-33 unknown option \"--dportz\""]],
  ["-A OUTPUT -o eth0 -j ACCEPT", "ok", []],
  ["-t mangle -A OUTPUT -i eth0 -j RETURN", "refused", ["syntax/bad-interface 32-36 iptables refuses -i in OUTPUT (\"Can't use -i with OUTPUT\"): the packet has no input interface there"]],
  ["-A INPUT -m comment --comment a --comment b -j ACCEPT", "refused", ["syntax/multiple-targets 41-50 option --comment can only be used once in -m comment"]],
  ["-A INPUT -m conntrack --ctstate NEW --ctstate RELATED -j ACCEPT", "refused", ["syntax/multiple-targets 45-54 option --ctstate can only be used once in -m conntrack"]],
  ["-A INPUT -m mark --mark 1 --mark 2 -j ACCEPT", "refused", ["syntax/multiple-targets 35-41 option --mark can only be used once in -m mark"]],
  ["-A INPUT -m state --state NEW --state RELATED -j ACCEPT", "refused", ["syntax/multiple-targets 39-46 option --state can only be used once in -m state"]],
  ["-A INPUT -p tcp -m multiport --dports 1 --dports 2 -j ACCEPT", "refused", ["syntax/multiple-targets 49-57 option --dports can only be used once in -m multiport"]],
  ["-A INPUT -p tcp -m tcp --dport 1 -m tcp --dport 2 -j ACCEPT", "ok", []],
  ["-A INPUT -j LOG --log-prefix a --log-prefix b", "refused", ["syntax/multiple-targets 40-52 option --log-prefix can only be used once in LOG"]],
  ["-t nat -A PREROUTING -p tcp -j DNAT --to-destination 1.2.3.4 --to-destination 1.2.3.5", "refused", ["syntax/multiple-targets 70-86 option --to-destination can only be used once in DNAT"]],
  ["-A INPUT -m physdev --physdev-in a --physdev-in b -j ACCEPT", "refused", ["syntax/multiple-targets 44-56 option --physdev-in can only be used once in -m physdev"]],
  ["-A INPUT -i a -i b -j ACCEPT", "refused", ["syntax/multiple-targets 23-25 -i given twice (iptables allows it once)"]],
  ["-A INPUT -f -f -j ACCEPT", "refused", ["syntax/multiple-targets 21-23 -f given twice (iptables allows it once)"]],
  ["-A INPUT -n -j ACCEPT", "refused", ["syntax/unexpected-token 18-20 -n is only valid with -L (iptables: illegal option with -A)"]],
  ["-A INPUT --line-numbers -j ACCEPT", "refused", ["syntax/unexpected-token 18-32 --line-numbers is only valid with -L (iptables: illegal option with -A)"]],
  ["-A INPUT -m tcp -p tcp --dport 80 -j ACCEPT", "ok", []],
  ["-A INPUT -p tcp -m tcp --dport 80 -p tcp -j ACCEPT", "refused", ["syntax/multiple-targets 43-45 protocol given twice"]],
  ["-A INPUT -p tcp --sport 1 --dport 2 --sport 3 -j ACCEPT", "refused", ["syntax/multiple-targets 45-52 option --sport can only be used once in -m tcp"]],
  ["-A INPUT -m conntrack --ctstate NEW --ctorigdst 1.2.3.4 -m conntrack --ctstate NEW -j ACCEPT", "ok", []],
  ["-A INPUT -p udp -j REJECT --reject-with tcp-reset", "refused", ["syntax/protocol-mismatch 35-58 REJECT --reject-with tcp-reset needs -p tcp (rule has -p udp)"]],
  ["-A INPUT ! -p tcp -j REJECT --reject-with tcp-reset", "refused", ["syntax/protocol-mismatch 37-60 REJECT --reject-with tcp-reset needs -p tcp"]],
  ["-A INPUT -p tcp -j REJECT --reject-with icmp-host-unreachable", "ok", []],
  ["-t mangle -A PREROUTING -p udp -j TPROXY --on-port 80", "ok", []],
  ["-A INPUT -j MARK --set-mark 1 --set-mark 2", "refused", ["syntax/multiple-targets 39-49 option --set-mark can only be used once in MARK"]],
  ["-A INPUT -p tcp ! --syn -j ACCEPT", "ok", []],
  ["-A INPUT -p tcp --dport 80 -j ACCEPT", "ok", []],
  ["-A INPUT --dport 80 -j ACCEPT", "refused", ["syntax/unknown-option 18-25 unknown option \"--dport\": it needs -p tcp/udp (or -m tcp/udp) before it"]],
  ["-A INPUT -p tcp -m multiport --dports 80,443 -j ACCEPT", "ok", []],
  ["-A INPUT -m multiport --dports 80 -j ACCEPT", "refused", ["syntax/protocol-mismatch 18-30 -m multiport needs -p tcp, udp, udplite, sctp or dccp"]],
  ["-A INPUT -p icmp -m multiport --dports 80 -j ACCEPT", "refused", ["syntax/protocol-mismatch 26-38 -m multiport needs -p tcp, udp, udplite, sctp or dccp (rule has -p icmp)"]],
  ["-A INPUT -m tcp --dport 80 -j ACCEPT", "refused", ["syntax/protocol-mismatch 18-24 -m tcp needs -p tcp"]],
  ["-A INPUT -p udp -m tcp --dport 80 -j ACCEPT", "refused", ["syntax/protocol-mismatch 25-31 -m tcp needs -p tcp (rule has -p udp)"]],
  ["-I INPUT 0 -j ACCEPT", "refused", ["syntax/bad-position 18-19 bad rule number \"0\" (1-based)"]],
  ["-I INPUT 1 -j ACCEPT", "ok", []],
  ["-I INPUT x -j ACCEPT", "refused", ["syntax/unexpected-token 18-19 unexpected argument \"x\""]],
  ["-R INPUT -j ACCEPT", "refused", ["syntax/missing-argument 9-11 -R needs a rule number"]],
  ["-P INPUT REJECT", "refused", ["syntax/bad-policy 18-24 bad policy \"REJECT\" (ACCEPT or DROP)"]],
  ["-P INPUT", "refused", ["syntax/missing-argument 9-11 -P INPUT needs a policy (ACCEPT or DROP)"]],
  ["-P X ACCEPT", "refused", ["syntax/bad-policy 12-13 X is not a builtin chain of table filter: only builtin chains have a policy"]],
  ["-P INPUT DROP", "ok", []],
  ["-N abcdefghijklmnopqrstuvwxyz0123", "refused", ["syntax/bad-chain-name 12-42 chain name \"abcdefghijklmnopqrstuvwxyz0123\" is longer than 28 characters"]],
  ["-N abcdefghijklmnopqrstuvwxyz01", "ok", []],
  ["-N !x", "refused", ["syntax/bad-chain-name 12-14 invalid chain name \"!x\""]],
  ["-N", "refused", ["syntax/no-chain 9-11 -N needs a chain name"]],
  ["-A", "refused", ["syntax/no-chain 9-11 -A needs a chain name"]],
  ["-E X", "refused", ["syntax/missing-argument 9-11 -E needs the new chain name"]],
  ["-E X !y", "refused", ["syntax/bad-chain-name 14-16 invalid chain name \"!y\""]],
  ["-E X Y", "ok", []],
  ["-F INPUT", "ok", []],
  ["-F", "ok", []],
  ["-A INPUT -p 256 -j ACCEPT", "refused", ["syntax/unknown-protocol 21-24 protocol number 256 is larger than 255"]],
  ["-A INPUT -p 255 -j ACCEPT", "ok", []],
  ["-A INPUT -p 6 --dport 80 -j ACCEPT", "ok", []],
  ["-A INPUT -p 0 -j ACCEPT", "ok", []],
  ["-A INPUT -p foo -j ACCEPT", "refused", ["syntax/unknown-protocol 21-24 unknown protocol \"foo\""]],
  ["-A INPUT -p TCP --dport 80 -j ACCEPT", "ok", []],
  ["-A INPUT ! -p tcp --dport 80 -j ACCEPT", "ok", []],
  ["-A INPUT -s 1.2.3.4,5.6.7.8 -j ACCEPT", "ok", []],
  ["-A INPUT -s 1.2.3.4,5.6.7.800 -j ACCEPT", "refused", ["syntax/bad-address 21-38 \"5.6.7.800\" is not a valid IPv4 address or CIDR"]],
  ["-A INPUT -s 1.2.3.400 -j ACCEPT", "refused", ["syntax/bad-address 21-30 \"1.2.3.400\" is not a valid IPv4 address or CIDR"]],
  ["-A INPUT -d 10.0.0.0/33 -j ACCEPT", "refused", ["syntax/bad-address 21-32 prefix length /33 is larger than 32"]],
  // iptables 1.8.9 (nft and legacy, re-checked in session 10) adds it with "Warning: weird character in interface": a warning here
  ["-A INPUT -i eth0/1 -j ACCEPT", "ok", []],
  ["-A INPUT -i abcdefghijklmnop -j ACCEPT", "refused", ["syntax/bad-interface 21-37 \"abcdefghijklmnop\" is not a valid interface name (1-15 characters, no \"/\")"]],
  ["-A INPUT -i abcdefghijklmno -j ACCEPT", "ok", []],
  ["-A INPUT ! -j ACCEPT", "refused", ["syntax/unexpected-token 20-22 \"!\" cannot negate -j"]],
  ["-A INPUT ! -m tcp -j ACCEPT", "refused", ["syntax/unexpected-token 20-22 \"!\" cannot negate -m","syntax/protocol-mismatch 20-26 -m tcp needs -p tcp"]],
  ["-A INPUT -j ACCEPT -j DROP", "refused", ["syntax/multiple-targets 28-30 more than one target (already ACCEPT)"]],
  ["-A INPUT -p tcp -p udp -j ACCEPT", "refused", ["syntax/multiple-targets 25-27 protocol given twice"]],
  ["-A INPUT -m foo -j ACCEPT", "refused", ["syntax/unknown-module 21-24 unknown match module \"foo\""]],
  ["-A INPUT -m foo --bar 1 -j ACCEPT", "refused", ["syntax/unknown-module 21-24 unknown match module \"foo\""]],
  ["-A INPUT -j DNAT --to-destination 1.2.3.4", "refused", ["syntax/unknown-target 18-25 target DNAT is only valid in the nat table (rule is in filter)"]],
  ["-t nat -A POSTROUTING -j DNAT --to-destination 1.2.3.4", "refused", ["syntax/unknown-target 31-38 DNAT is only valid in PREROUTING/OUTPUT (and chains called from them)"]],
  ["-t nat -A PREROUTING -j DNAT", "refused", ["syntax/missing-target-option 30-37 DNAT needs --to-destination"]],
  ["-t nat -A PREROUTING -j DNAT --to-destination 1.2.3.4:80", "refused", ["syntax/protocol-mismatch 38-65 DNAT to a port needs -p tcp/udp/sctp/dccp"]],
  ["-t nat -A PREROUTING -p tcp -j DNAT --to-destination 1.2.3.4:80", "ok", []],
  ["-t nat -A OUTPUT -j MASQUERADE", "refused", ["syntax/unknown-target 26-39 MASQUERADE is only valid in POSTROUTING (and chains called from it)"]],
  ["-t nat -A POSTROUTING -j REDIRECT", "refused", ["syntax/unknown-target 31-42 REDIRECT is only valid in PREROUTING/OUTPUT (and chains called from them)"]],
  ["-t nat -A POSTROUTING -j MASQUERADE --to-ports 80", "refused", ["syntax/protocol-mismatch 31-44 MASQUERADE --to-ports needs -p tcp/udp/sctp/dccp"]],
  ["-t nat -A POSTROUTING -p udp -j MASQUERADE --to-ports 80", "ok", []],
  ["-t nat -A POSTROUTING -j SNAT --to-source 1.2.3.4:80", "refused", ["syntax/protocol-mismatch 39-61 SNAT to a port needs -p tcp/udp/sctp/dccp"]],
  ["-t nat -A POSTROUTING -j SNAT", "refused", ["syntax/missing-target-option 31-38 SNAT needs --to-source"]],
  ["-t natt -A INPUT -j ACCEPT", "refused", ["syntax/unknown-table 12-16 unknown table \"natt\" (valid: filter, nat, mangle, raw, security)"]],
  ["-A INPUT -p tcp --dport=80 -j ACCEPT", "ok", []],
  ["-A INPUT -j LOG --log-prefix", "refused", ["syntax/missing-argument 25-37 option --log-prefix needs an argument"]],
  ["-A INPUT -j LOG --log-prefix --log-level 4", "refused", ["syntax/missing-argument 25-37 option --log-prefix needs an argument"]],
  ["-A INPUT -p tcp ! --dport 22 -j ACCEPT", "ok", []],
  ["-A INPUT ! ! -s 1.2.3.4 -j ACCEPT", "refused", ["syntax/unexpected-token 20-21 double negation \"! !\""]],
  ["-A INPUT -s 1.2.3.4 -j ACCEPT !", "refused", ["syntax/unexpected-token 39-40 \"!\" at the end of the rule negates nothing"]],
  ["-D INPUT 1 -j ACCEPT", "refused", ["syntax/unexpected-token 9-11 -D takes a rule number or a rule specification, not both"]],
  ["-A INPUT -c 1 2 -j ACCEPT", "ok", []],
  ["-A INPUT -c x 2 -j ACCEPT", "refused", ["syntax/bad-counters 21-22 \"x\" is not a packet count"]],
  ["-A INPUT -c 1 y -j ACCEPT", "refused", ["syntax/bad-counters 23-24 \"y\" is not a byte count"]],
  ["-A INPUT -c 1 -j ACCEPT", "refused", ["syntax/missing-argument 18-20 option -c needs 1 more argument(s)","syntax/unexpected-token 21-22 unexpected argument \"1\""]],
  ["-N X -c 1 2", "refused", ["syntax/unexpected-token 9-11 -N takes no counters"]],
  ["-N X -j ACCEPT", "refused", ["syntax/unexpected-token 9-11 -N takes no rule specification"]],
  ["-w -A INPUT -j ACCEPT", "ok", []],
  ["-w 5 -A INPUT -j ACCEPT", "ok", []],
  ["-A INPUT -m conntrack --ctstate NEW,FOO -j ACCEPT", "refused", ["syntax/bad-value 41-48 unknown ctstate \"FOO\" (valid: INVALID, NEW, ESTABLISHED, RELATED, UNTRACKED, SNAT, DNAT)"]],
  ["-A INPUT -m conntrack --ctstate NEW -j ACCEPT", "ok", []],
  ["-A INPUT -m state --state NEW -m conntrack --ctstate NEW -j ACCEPT", "ok", []],
  ["-A INPUT -f -j DROP", "ok", []],
  ["-A INPUT ! -f -j DROP", "ok", []],
  ["-A INPUT -p tcp --syn -j ACCEPT", "ok", []],
  ["-A INPUT -p tcp --syn=1 -j ACCEPT", "refused", ["syntax/unexpected-token 25-32 option --syn takes no argument"]],
  ["-A INPUT -p tcp -m tcp --tcp-flags SYN -j ACCEPT", "refused", ["syntax/missing-argument 32-43 option --tcp-flags needs 1 more argument(s)","syntax/unexpected-token 44-47 unexpected argument \"SYN\""]],
  ["-A INPUT -p tcp --tcp-flags SYN,ACK SYN -j ACCEPT", "ok", []],
  ["-A INPUT -p tcp --dport 80 --dport 81 -j ACCEPT", "refused", ["syntax/multiple-targets 36-43 option --dport can only be used once in -m tcp"]],
  ["-A INPUT -j REJECT --reject-with tcp-reset", "refused", ["syntax/protocol-mismatch 28-51 REJECT --reject-with tcp-reset needs -p tcp"]],
  ["-A INPUT -p tcp -j REJECT --reject-with tcp-reset", "ok", []],
  ["-A INPUT -j ACCEPT --reject-with tcp-reset", "refused", ["syntax/unknown-option 28-41 unknown option \"--reject-with\""]],
  ["-AINPUT -j ACCEPT", "ok", []],
  ["--append INPUT -j ACCEPT", "ok", []],
  ["--append=INPUT -j ACCEPT", "ok", []],
  ["-A INPUT -A INPUT -j ACCEPT", "refused", ["syntax/multiple-commands 18-20 only one command per line (already -A)","syntax/unexpected-token 21-26 unexpected argument \"INPUT\""]],
  ["-A INPUT -I INPUT -j ACCEPT", "refused", ["syntax/multiple-commands 18-20 only one command per line (already -A)","syntax/unexpected-token 21-26 unexpected argument \"INPUT\""]],
  ["! -A INPUT -j ACCEPT", "refused", ["syntax/unexpected-token 9-10 \"!\" cannot negate -A"]],
  ["-A INPUT -x -j ACCEPT", "refused", ["syntax/unexpected-token 18-20 -x is only valid with -L (iptables: illegal option with -A)"]],
  ["-A INPUT -v -j ACCEPT", "ok", []],
  // (iptables 1.8.9: "Illegal option `-x' with this command"; a bundle of listing flags is read as those flags since session 18)
  ["-A INPUT -vx -j ACCEPT", "refused", ["syntax/unexpected-token 20-21 -x is only valid with -L (iptables: illegal option with -A)"]],
  ["-L -vn", "ok", []],
  ["-A INPUT -Z", "refused", ["syntax/multiple-commands 18-20 only one command per line (already -A)"]],
  ["-L INPUT 1", "ok", []],
  ["-L INPUT x", "refused", ["syntax/unexpected-token 18-19 unexpected argument \"x\""]],
  ["-S INPUT 1", "ok", []],
  ["-nvL INPUT", "ok", []],
  ["-A INPUT -j ACCEPT extra", "refused", ["syntax/unexpected-token 28-33 unexpected argument \"extra\""]],
  ["-A INPUT -p tcp --sport 1:2:3 -j ACCEPT", "refused", ["syntax/bad-port 33-38 \"1:2:3\" is not a valid port or port range"]],
  ["-A INPUT -p tcp --dport 80:70 -j ACCEPT", "refused", ["syntax/bad-port 33-38 port range \"80:70\" is inverted"]],
  ["-A INPUT -p tcp --dport http -j ACCEPT", "ok", []],
  ["-A INPUT -m mark --mark 0x1/0x1 -j ACCEPT", "ok", []],
  ["-A INPUT -m mark --mark 0x1/0x1/0x1 -j ACCEPT", "refused", ["syntax/bad-value 33-44 \"0x1/0x1/0x1\" is not a valid mark (value[/mask])"]],
  ["-A INPUT -m iprange --src-range 1.2.3.4-1.2.3.9 -j ACCEPT", "ok", []],
  ["-A INPUT -m set --match-set s -j ACCEPT", "refused", ["syntax/missing-argument 25-36 option --match-set needs 1 more argument(s)","syntax/unexpected-token 37-38 unexpected argument \"s\""]],
  ["-A INPUT -j MARK --set-mark 1", "ok", []],
  ["-A INPUT -j CONNMARK --save-mark --mask 0xff", "ok", []],
  ["-A INPUT -m addrtype --dst-type FOO -j ACCEPT", "refused", ["syntax/bad-value 41-44 unknown address type \"FOO\""]],
  ["-A INPUT -p icmp --icmp-type echo-request -j ACCEPT", "ok", []],
  ["-A INPUT -p tcp --icmp-type 8 -j ACCEPT", "refused", ["syntax/unknown-option 25-36 unknown option \"--icmp-type\": it needs -p icmp before it"]],
  ["-A INPUT -p esp --espspi 5 -j ACCEPT", "ok", []],
  ["-A INPUT -m physdev --physdev-in eth0 -j ACCEPT", "ok", []],
  ["-A INPUT -s 1.2.3.4 -d 5.6.7.8 -s 9.9.9.9 -j ACCEPT", "refused", ["syntax/multiple-targets 40-42 -s given twice (iptables allows it once)"]],
  ["-t mangle -A PREROUTING -j TPROXY --on-port 80", "refused", ["syntax/protocol-mismatch 33-42 TPROXY needs -p tcp or -p udp"]],
  ["-t mangle -A PREROUTING -p tcp -j TPROXY --on-port 80", "ok", []],
  ["-t mangle -A PREROUTING -p tcp -j TPROXY --on-ip 1.2.3.4", "refused", ["syntax/missing-target-option 40-49 TPROXY needs --on-port"]],
  // the protocol tables (ruleChecks.ts), case by case
  ["-A INPUT -m sctp -j ACCEPT", "refused", ["syntax/protocol-mismatch 18-25 -m sctp needs -p sctp"]],
  ["-A INPUT -m dccp -j ACCEPT", "refused", ["syntax/protocol-mismatch 18-25 -m dccp needs -p dccp"]],
  ["-A INPUT -m esp -j ACCEPT", "refused", ["syntax/protocol-mismatch 18-24 -m esp needs -p esp"]],
  ["-A INPUT -m ah -j ACCEPT", "refused", ["syntax/protocol-mismatch 18-23 -m ah needs -p ah"]],
  ["-A INPUT -m udp -j ACCEPT", "refused", ["syntax/protocol-mismatch 18-24 -m udp needs -p udp"]],
  ["-A INPUT -p udplite -m multiport --dports 1 -j ACCEPT", "ok", []],
  ["-A INPUT -p sctp -m multiport --dports 1 -j ACCEPT", "ok", []],
  ["-A INPUT -p dccp -m multiport --dports 1 -j ACCEPT", "ok", []],
  ["-A INPUT -p udp -m multiport --dports 1 -j ACCEPT", "ok", []],
  ["-t nat -A PREROUTING -p sctp -j REDIRECT --to-ports 80", "ok", []],
  ["-t nat -A PREROUTING -p dccp -j DNAT --to-destination 1.2.3.4:80", "ok", []],
  ["-t nat -A PREROUTING -p icmp -j DNAT --to-destination 1.2.3.4:80-90", "ok", []],
  ["-t nat -A POSTROUTING -p icmp -j MASQUERADE --to-ports 80", "ok", []],
  ["-t nat -A POSTROUTING -p icmp -j SNAT --to-source 1.2.3.4:80", "ok", []],
  ["-t nat -A POSTROUTING -p esp -j SNAT --to-source 1.2.3.4:80", "refused", ["syntax/protocol-mismatch 46-68 SNAT to a port needs -p tcp/udp/sctp/dccp"]],
  ["-t nat -A POSTROUTING -p udplite -j MASQUERADE --to-ports 80", "refused", ["syntax/protocol-mismatch 42-55 MASQUERADE --to-ports needs -p tcp/udp/sctp/dccp"]],
  ["-t nat -A INPUT -j SNAT --to-source 1.2.3.4", "ok", []],
  ["-t nat -A INPUT -j MASQUERADE", "refused", ["syntax/unknown-target 25-38 MASQUERADE is only valid in POSTROUTING (and chains called from it)"]],
  ["-t nat -A PREROUTING -j SNAT --to-source 1.2.3.4", "refused", ["syntax/unknown-target 30-37 SNAT is only valid in POSTROUTING/INPUT (and chains called from them)"]],
  ["-t nat -A OUTPUT -j DNAT --to-destination 1.2.3.4", "ok", []],
  ["-t nat -A OUTPUT -j REDIRECT", "ok", []],
  ["-t mangle -A PREROUTING -j MARK", "refused", ["syntax/missing-target-option 33-40 MARK needs one of --set-xmark/--set-mark/--and-mark/--or-mark/--xor-mark"]],
  ["-A INPUT -j MASQUERADE", "refused", ["syntax/unknown-target 18-31 target MASQUERADE is only valid in the nat table (rule is in filter)"]],
  ["-A INPUT -j SNAT --to-source 1.2.3.4", "refused", ["syntax/unknown-target 18-25 target SNAT is only valid in the nat table (rule is in filter)"]],
  ["-A INPUT -j REDIRECT", "refused", ["syntax/unknown-target 18-29 target REDIRECT is only valid in the nat table (rule is in filter)"]],
  ["-t mangle -A PREROUTING -j DNAT --to-destination 1.2.3.4", "refused", ["syntax/unknown-target 33-40 target DNAT is only valid in the nat table (rule is in mangle)"]],
];

function errors(rs: Ruleset, line = 1): string[] {
  return rs.diagnostics.filter((d) => d.severity === 'error' && d.span.line === line).map((d) => `${d.code} ${d.span.start}-${d.span.end} ${d.message}`);
}

function cmd(args: string): Ruleset {
  return parseRules(`iptables -N X\niptables ${args}\n`);
}

function all(rs: Ruleset): string[] {
  return rs.diagnostics.map((d: RuleDiagnostic) => `${d.severity} ${d.code} ${d.span.line}:${d.span.start}-${d.span.end} ${d.message}`);
}

function only(rs: Ruleset): Rule {
  assert.equal(rs.rules.length, 1, all(rs).join('\n'));
  return rs.rules[0];
}

describe('iptables arguments: the verdict of iptables 1.8.9 in a netns', () => {
  for (const [args, verdict, want] of KERNEL) {
    it(`${verdict.padEnd(7)} iptables ${args}`, () => {
      const got = errors(cmd(args));
      assert.deepEqual(got, want);
      assert.equal(got.length > 0, verdict === 'refused', 'an error exactly when iptables refused it');
    });
  }
});

describe('iptables arguments: what the rule holds', () => {
  it('options: canonical names, args, negation, spans; implicit -p match; inline --opt=value', () => {
    const line = 'iptables -A X -p tcp ! --destination-port 80 --sport=1024:65535 -m conntrack --ctstate NEW -j ACCEPT';
    const r = only(parseRules(line));
    assert.deepEqual(all(parseRules(line)), []);
    assert.deepEqual(r.matches.map((m) => [m.module, m.implicit, m.options.map((o) => [o.name, o.args, o.negated, line.slice(o.span.start, o.span.end)])]), [
      ['tcp', true, [['dport', ['80'], true, '--destination-port 80'], ['sport', ['1024:65535'], false, '--sport=1024:65535']]],
      ['conntrack', false, [['ctstate', ['NEW'], false, '--ctstate NEW']]],
    ]);
    assert.equal(line.slice(r.matches[0].span.start, r.matches[0].span.end), 'tcp', 'the implicit match spans the -p value');
    assert.equal(line.slice(r.matches[1].span.start, r.matches[1].span.end), '-m conntrack');
    assert.deepEqual([r.target?.name, r.target?.goto, line.slice(r.target?.span.start, r.target?.span.end)], ['ACCEPT', false, '-j ACCEPT']);
    assert.deepEqual([r.protocol?.value, r.protocol?.negated, line.slice(r.protocol?.span.start, r.protocol?.span.end)], ['tcp', false, 'tcp']);
    assert.deepEqual([r.chain, r.op, r.table, r.position, r.span.start, r.span.end], ['X', 'A', 'filter', undefined, 0, line.length]);
  });

  it('old-style "--opt ! value" negates; "-s ! A" too; two-argument options keep both', () => {
    const r = only(parseRules('-A X -s ! 10.0.0.0/8 -m set --match-set ! s src,dst -j DROP'));
    assert.deepEqual([r.source?.value, r.source?.negated], ['10.0.0.0/8', true]);
    assert.deepEqual(r.matches[0].options.map((o) => [o.name, o.args, o.negated]), [['match-set', ['s', 'src,dst'], true]]);
  });

  it('three-argument options keep all three (-m set --match-set with a third word is two); -m u32-like unknown module keeps its options', () => {
    const rs = parseRules('-A X -m frob --a 1 2 --b -j DROP');
    const r = only(rs);
    assert.deepEqual(r.matches.map((m) => [m.module, m.options.map((o) => [o.name, o.args, o.negated])]), [['frob', [['a', ['1', '2'], false], ['b', [], false]]]]);
    // an -S line: the module was loaded on that host (an extension swarmnet does not know): an info, not an error
    assert.deepEqual(errors(rs, 0), []);
    assert.deepEqual(rs.diagnostics.filter((d) => d.code === 'syntax/unknown-module').map((d) => d.severity), ['info']);
    assert.deepEqual(errors(parseRules('iptables -A X -m frob --a 1 -j DROP'), 0), ['syntax/unknown-module 17-21 unknown match module "frob"']);
    // a known module after it: its options are reported again
    assert.deepEqual(errors(parseRules('-A X -m frob -m mark --a 1 -j DROP'), 0), ['syntax/unknown-option 21-24 unknown option "--a"']);
  });

  it('options go to the target, else the latest match that knows them', () => {
    const r = only(parseRules('-A X -m mark --mark 1 -j MARK --set-mark 2'));
    assert.deepEqual(r.matches[0].options.map((o) => o.name), ['mark']);
    assert.deepEqual(r.target?.options.map((o) => [o.name, o.args]), [['set-mark', ['2']]]);
    const c = only(parseRules('-A X -m conntrack --ctstate NEW -m mark --mark 1 --ctdir ORIGINAL'));
    assert.deepEqual(c.matches.map((m) => m.options.map((o) => o.name)), [['ctstate', 'ctdir'], ['mark']]);
  });

  it('unknown option messages say what they need', () => {
    assert.deepEqual(errors(parseRules('-A X --ctstate NEW -j ACCEPT'), 0), ['syntax/unknown-option 5-14 unknown option "--ctstate": it belongs to -m conntrack, which is not loaded before it']);
    assert.deepEqual(errors(parseRules('-A X --icmp-type 8 -j ACCEPT'), 0), ['syntax/unknown-option 5-16 unknown option "--icmp-type": it needs -p icmp before it']);
    assert.deepEqual(errors(parseRules('-A X -j Y --foo 1'), 0), ['syntax/unknown-option 10-15 unknown option "--foo" (target Y is a chain and takes no options)']);
    assert.deepEqual(errors(parseRules('-A X -j ACCEPT --foo 1'), 0), ['syntax/unknown-option 15-20 unknown option "--foo"']);
    assert.deepEqual(errors(parseRules('-A X -q 1 -j ACCEPT'), 0), ['syntax/unknown-option 5-7 unknown option "-q"']);
  });

  it('an option of a module that is not loaded names the module (each module iptables users write)', () => {
    const cases: [string, string][] = [
      ['--dport 1', 'it needs -p tcp/udp (or -m tcp/udp) before it'],
      ['--ctstate NEW', 'it belongs to -m conntrack, which is not loaded before it'],
      ['--dports 1', 'it belongs to -m multiport, which is not loaded before it'],
      ['--dst-type LOCAL', 'it belongs to -m addrtype, which is not loaded before it'],
      ['--mark 1', 'it belongs to -m mark, which is not loaded before it'],
      ['--comment x', 'it belongs to -m comment, which is not loaded before it'],
      ['--match-set s src', 'it belongs to -m set, which is not loaded before it'],
      ['--pol none', 'it belongs to -m policy, which is not loaded before it'],
      ['--physdev-in a', 'it belongs to -m physdev, which is not loaded before it'],
      ['--vaddr 1.2.3.4', 'it belongs to -m ipvs, which is not loaded before it'],
      ['--src-range 1.1.1.1-1.1.1.2', 'it belongs to -m iprange, which is not loaded before it'],
      ['--mac-source 00:11:22:33:44:55', 'it belongs to -m mac, which is not loaded before it'],
      ['--limit 1/s', 'it belongs to -m limit, which is not loaded before it'],
      ['--state NEW', 'it belongs to -m state, which is not loaded before it'],
      ['--icmp-type 8', 'it needs -p icmp before it'],
      ['--espspi 1', 'it needs -p esp before it'],
    ];
    for (const [opt, why] of cases) {
      const name = opt.split(' ')[0];
      assert.deepEqual(errors(parseRules(`-A X ${opt} -j ACCEPT`), 0), [`syntax/unknown-option 5-${5 + name.length} unknown option "${name}": ${why}`], opt);
    }
  });

  it('bad argument values: one error per bad argument, the option not added', () => {
    const rs = parseRules('-A X -p tcp --dport 99999 -j ACCEPT');
    assert.deepEqual(errors(rs, 0), ['syntax/bad-port 20-25 "99999" is not a valid port or port range (0-65535)']);
    assert.deepEqual(rs.rules[0].matches.map((m) => m.options.length), [0]);
  });

  it('-p numbers become names; 0 is all; the protocol span is the value', () => {
    assert.equal(only(parseRules('-A X -p 17 -j ACCEPT')).protocol?.value, 'udp');
    assert.equal(only(parseRules('-A X -p 0 -j ACCEPT')).protocol?.value, 'all');
    assert.equal(only(parseRules('-A X -p 132 -j ACCEPT')).protocol?.value, 'sctp');
    assert.equal(only(parseRules('-A X -p 254 -j ACCEPT')).protocol?.value, '254');
    assert.deepEqual(only(parseRules('-A X -p UDP -j ACCEPT')).protocol?.span, { line: 0, start: 8, end: 11 });
  });

  it('-s/-d/-i/-o/-f values and negation; the first of a doubled option stays', () => {
    const r = only(parseRules('-A X ! -s 1.2.3.4 -d 10.0.0.0/8,10.1.0.0/16 ! -i eth0 -o br+ ! -f -j ACCEPT'));
    assert.deepEqual([r.source?.value, r.source?.negated, r.destination?.value, r.destination?.negated], ['1.2.3.4', true, '10.0.0.0/8,10.1.0.0/16', false]);
    assert.deepEqual([r.inInterface?.value, r.inInterface?.negated, r.outInterface?.value, r.outInterface?.negated, r.fragment?.negated], ['eth0', true, 'br+', false, true]);
    assert.equal(only(parseRules('-A X -d 1.1.1.1 -d 2.2.2.2 -o a -o b')).destination?.value, '1.1.1.1');
    assert.equal(only(parseRules('-A X -o a -o b')).outInterface?.value, 'a');
    assert.deepEqual(errors(parseRules('-A X -d 1.1.1.1 -d 2.2.2.2'), 0), ['syntax/multiple-targets 16-18 -d given twice (iptables allows it once)']);
    assert.deepEqual(errors(parseRules('-A X -o a -o b'), 0), ['syntax/multiple-targets 10-12 -o given twice (iptables allows it once)']);
    assert.deepEqual(errors(parseRules('-A X -i . -j ACCEPT'), 0), ['syntax/bad-interface 8-9 "." is not a valid interface name (1-15 characters, no "/")']);
    // a blank or "/" in an interface: iptables adds the rule with a warning (kernel-checked), and it never matches: the
    // parse keeps it (the lint says it, rules/interface-wildcard)
    const weird = parseRules('-A X -i "a b" -j ACCEPT');
    assert.deepEqual(weird.diagnostics, []);
    assert.equal(only(weird).inInterface?.value, 'a b');
    assert.equal(only(parseRules('-A X -o 10.0.0.0/8 -j ACCEPT')).outInterface?.value, '10.0.0.0/8');
  });

  it('-g jumps with goto; -t in -S text is an error, its table still used; -c counters; -w/-W values skipped', () => {
    assert.equal(only(parseRules('-A X -g Y')).target?.goto, true);
    const t = parseRules('-t nat -A PREROUTING -j ACCEPT');
    assert.deepEqual(errors(t, 0), ['syntax/unexpected-token 0-2 -t is not valid in iptables-save / -S lines']);
    assert.equal(t.rules[0].table, 'nat');
    assert.deepEqual(only(parseRules('iptables -A X -c 10 2000 -j ACCEPT')).counters, { packets: 10, bytes: 2000 });
    assert.deepEqual(all(parseRules('iptables -w 2 -W 100 -A X -j ACCEPT')), []);
    assert.deepEqual(all(parseRules('iptables -w2 -A X -j ACCEPT')), []);
    assert.deepEqual(all(parseRules('iptables -w 1.5 -A X -j ACCEPT')), []);
    assert.deepEqual(errors(parseRules('iptables ! -w -A X -j ACCEPT'), 0), ['syntax/unexpected-token 11-13 "!" cannot negate -w']);
    assert.deepEqual(errors(parseRules('iptables -t nat ! -v -A PREROUTING -j ACCEPT'), 0), ['syntax/unexpected-token 18-20 "!" cannot negate -v']);
  });

  it('commands: -I n / -D n / -R n positions, $n is "last", -C is checked but not a rule change', () => {
    assert.equal(only(parseRules('iptables -I X 3 -j ACCEPT')).position, 3);
    assert.equal(only(parseRules('iptables -I X "$n" -j ACCEPT')).position, Infinity);
    assert.equal(only(parseRules('iptables -I X ${POS} -j ACCEPT')).position, Infinity);
    const d = only(parseRules('iptables -D X 2'));
    assert.deepEqual([d.op, d.position], ['D', 2]);
    const r = parseRules('iptables -R X 1 -j DROP');
    assert.deepEqual([r.rules[0].op, r.rules[0].position], ['R', 1]);
    assert.deepEqual(errors(parseRules('iptables -R X x -j DROP'), 0), ['syntax/bad-position 14-15 bad rule number "x" (1-based)']);
    const c = parseLine('iptables -C X -j DROP');
    assert.deepEqual([c.kind, c.rule, c.chain], ['other', undefined, 'X']);
    const chk = parseLine('iptables -C X -m tcp -j DROP');
    assert.deepEqual(chk.diagnostics.map((x) => x.message), ['-m tcp needs -p tcp'], '-C lines are checked like rules');
  });

  it('line kinds and what they carry: -N, -X, -F, -E, -P, -L, -S', () => {
    const k = (l: string): unknown[] => {
      const r = parseLine(l);
      return [r.kind, r.chain, r.newName, r.policy, r.chainSpan && l.slice(r.chainSpan.start, r.chainSpan.end)];
    };
    assert.deepEqual(k('-N Y'), ['new-chain', 'Y', undefined, undefined, 'Y']);
    assert.deepEqual(k('-X Y'), ['delete-chain', 'Y', undefined, undefined, 'Y']);
    assert.deepEqual(k('-X'), ['delete-chain', undefined, undefined, undefined, undefined]);
    assert.deepEqual(k('-F'), ['flush', undefined, undefined, undefined, undefined]);
    assert.deepEqual(k('-E Y Z'), ['rename', 'Y', 'Z', undefined, 'Y']);
    assert.deepEqual(k('-P FORWARD DROP'), ['policy', 'FORWARD', undefined, 'DROP', 'FORWARD']);
    assert.deepEqual(k('-P FORWARD REJECT'), ['invalid', 'FORWARD', undefined, undefined, 'FORWARD']);
    assert.deepEqual(k('-L X'), ['other', 'X', undefined, undefined, 'X']);
    assert.deepEqual(k('-S'), ['other', undefined, undefined, undefined, undefined]);
    assert.deepEqual(k('-N ' + 'a'.repeat(29)), ['invalid', 'a'.repeat(29), undefined, undefined, 'a'.repeat(29)]);
    assert.deepEqual(k('-E Y ' + 'b'.repeat(29))[0], 'invalid');
    assert.deepEqual(k('--new-chain=Y'), ['new-chain', 'Y', undefined, undefined, 'Y']);
    assert.deepEqual(k('-NY'), ['new-chain', 'Y', undefined, undefined, 'Y']);
    assert.deepEqual(k('-A ' + 'c'.repeat(29) + ' -j DROP')[0], 'invalid');
  });

  it('a line without a command: in a *table section an error, in -S text a rule specification not judged; in a command a rule spec is an error, flags alone are ignored', () => {
    const s = parseLine('-j DROP', 'save');
    assert.deepEqual([s.kind, s.rule?.chain, s.diagnostics.map((x) => `${x.severity} ${x.code} ${x.message}`)], ['invalid', '', ['error syntax/no-chain rule without -A/-I CHAIN']]);
    const spec = parseLine('-j DROP');
    assert.deepEqual([spec.kind, spec.diagnostics.map((x) => `${x.severity} ${x.code}`)], ['invalid', ['info syntax/no-chain']]);
    const c = parseLine('iptables -p tcp -j DROP');
    assert.deepEqual([c.kind, c.diagnostics.map((x) => `${x.severity} ${x.code} ${x.span.start}-${x.span.end} ${x.message}`)], ['invalid', ['error syntax/no-command 0-8 no command (-A/-I/-D/-N/...) given']]);
    assert.ok(c.rule);
    const f = parseLine('iptables --version');
    // an unknown option starts a rule specification: a call without a command is then an error, its rule kept
    assert.deepEqual([f.kind, f.rule?.chain, f.diagnostics.map((x) => `${x.severity} ${x.code} ${x.span.start}-${x.span.end} ${x.message}`)], ['invalid', '', ['error syntax/unknown-option 9-18 unknown option "--version"', 'error syntax/no-command 0-8 no command (-A/-I/-D/-N/...) given']]);
    const v = parseLine('iptables -w');
    assert.deepEqual([v.kind, v.rule, v.diagnostics.map((x) => `${x.severity} ${x.code} ${x.message}`)], ['other', undefined, ['info syntax/no-command iptables call without a rule command: ignored']]);
    const e = parseLine('-A X -j DROP', 'save');
    assert.equal(e.kind, 'rule');
  });
});

function parseLine(text: string, mode: 'S' | 'save' = 'S'): ReturnType<typeof parseRuleLine> {
  const st = newLineState('filter');
  if (mode === 'save') parseRuleLine('*filter', 0, st);
  return parseRuleLine(text, 1, st);
}

describe('shell lines around iptables (real scripts, sources in test/fixtures/lint/real-world)', () => {
  it('github-coolify-close-admin-ports-8080.rules: `if ! iptables -C … 2>/dev/null; then` is a check, the -I on the next line the rule', () => {
    const rs = parseRules('    if ! iptables -C DOCKER-USER -p tcp --dport "$port" -j DROP 2>/dev/null; then\n        iptables -I DOCKER-USER -p tcp --dport "$port" -j DROP\n');
    assert.deepEqual(all(rs), [], 'the check, the redirection and `then` are shell: nothing to report');
    assert.equal(rs.rules.length, 1);
    assert.deepEqual([rs.rules[0].op, rs.rules[0].line, rs.rules[0].chain], ['I', 1, 'DOCKER-USER']);
  });

  it('lint/shell/provision.sh: `$ sudo iptables -A …` (a prompt and sudo)', () => {
    const r = only(parseRules('$ sudo iptables -A DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 7777 -j DOCKER-USER-redis1'));
    assert.deepEqual([r.chain, r.target?.name, r.matches.map((m) => m.options.map((o) => o.args[0]))], ['DOCKER-USER', 'DOCKER-USER-redis1', [['7777']]]);
  });

  it('`iptables -N DOCKER-USER 2>/dev/null || true`: the command, the shell text after it is info', () => {
    const l = 'iptables -N DOCKER-USER 2>/dev/null || true';
    const r = parseLine(l);
    assert.deepEqual([r.kind, r.chain, r.format], ['new-chain', 'DOCKER-USER', 'command']);
    assert.deepEqual(r.diagnostics, [], '`true` is a command of its own, not iptables: nothing to say');
  });

  it('check-then-change on one line: the change is the rule; a second change is info', () => {
    const l = 'iptables -C X -j DROP || iptables -I X -j DROP';
    const r = parseLine(l);
    assert.deepEqual([r.kind, r.rule?.op], ['rule', 'I']);
    // `;`: both run, each a result of its own (the line's first, the other in `more`)
    const two = 'iptables -A X -j DROP; iptables -A Y -j DROP';
    const t = parseLine(two);
    assert.deepEqual([t.kind, t.rule?.chain, t.more?.map((m) => `${m.kind} ${m.rule?.chain} ${two.slice(m.rule?.span.start, m.rule?.span.end)}`)], ['rule', 'X', ['rule Y iptables -A Y -j DROP']]);
    assert.deepEqual(t.diagnostics.filter((x) => x.code === 'syntax/multiple-commands'), []);
    // `||` after a change: runs only when it fails, said and not linted
    const orElse = 'iptables -N X || iptables -F X';
    const o = parseLine(orElse);
    assert.deepEqual([o.kind, o.more], ['new-chain', undefined]);
    assert.deepEqual(o.diagnostics.filter((x) => x.code === 'syntax/multiple-commands').map((x) => `${x.severity} ${orElse.slice(x.span.start, x.span.end)}`), ['info iptables -F X']);
  });

  it('wrappers: sudo -E, sudo -u root, env VAR=x, $IPT, "${IPT}", /usr/sbin/iptables-legacy, ip6tables, docker exec -u 0 c, kubectl exec p -- , nsenter', () => {
    for (const l of [
      'sudo -E iptables -A X -j DROP',
      'sudo -u root iptables -A X -j DROP',
      'doas -u root iptables -A X -j DROP',
      'env -u HOME iptables -A X -j DROP',
      'nsenter --net=/var/run/docker/netns/ingress_sbox iptables -A X -j DROP',
      'nsenter -t 1234 -S 0 -G 0 -n -- iptables -A X -j DROP',
      'env A=1 iptables -A X -j DROP',
      'A=1 iptables -A X -j DROP',
      '$IPT -A X -j DROP',
      '"${IPT}" -A X -j DROP',
      '$SUDO iptables -A X -j DROP',
      '$SUDO docker exec c iptables -A X -j DROP',
      '/usr/sbin/iptables-legacy -A X -j DROP',
      'ip6tables -A X -j DROP',
      'docker exec -u 0 c iptables -A X -j DROP',
      'podman exec --user root c iptables -A X -j DROP',
      'kubectl exec p -c x -- iptables -A X -j DROP',
      'nsenter -t 1 -n iptables -A X -j DROP',
      'ip netns exec ns iptables -A X -j DROP',
      'if iptables -A X -j DROP; then :; fi',
      'time iptables -A X -j DROP',
      'iptables -A X -j DROP >/dev/null 2>&1',
      'iptables -A X -j DROP &>/dev/null',
      'iptables -A X -j DROP < /dev/null',
    ]) {
      const r = parseLine(l);
      assert.deepEqual([r.kind, r.rule?.chain, r.rule?.target?.name, r.diagnostics.filter((x) => x.severity !== 'info').map((x) => x.message)], ['rule', 'X', 'DROP', []], l);
    }
  });

  it('not an iptables call: info naming the text, never an error; `docker exec` without a container; kubectl without --', () => {
    for (const l of ['echo iptables -A X -j DROP', 'ipset add s 1.2.3.4', 'docker exec', 'kubectl exec p iptables -A X -j DROP', '$ ', 'sudo', 'FOO=1', 'x=$(iptables -S)']) {
      const r = parseLine(l);
      assert.equal(r.kind, 'other', l);
      assert.deepEqual(r.diagnostics.map((x) => `${x.severity} ${x.code}`), ['info syntax/not-iptables'], l);
      const d = r.diagnostics[0];
      assert.equal(d.span.start, l.length - l.trimStart().length, l);
      assert.equal(d.span.end, l.length, l);
    }
  });

  it('every binary, wrapper, keyword, separator and value-taking option the shell reader knows', () => {
    const rule = (l: string): string => {
      const r = parseLine(l);
      return `${r.kind} ${r.rule?.chain ?? '-'} ${r.diagnostics.filter((x) => x.severity !== 'info').length}`;
    };
    for (const b of ['iptables', 'ip6tables', 'iptables-legacy', 'iptables-nft', 'ip6tables-legacy', 'ip6tables-nft', '/sbin/iptables-nft', './iptables', '$IPT', '${IPT}', '$ipt_6']) assert.equal(rule(`${b} -A X -j DROP`), 'rule X 0', b);
    for (const b of ['iptables-save', 'iptables-restore', 'xtables', '$', '${}', '$1x', '$A-B', 'A=iptables']) assert.equal(rule(`${b} -A X -j DROP`), 'other - 0', b);
    for (const w of ['sudo', 'doas', 'exec', 'command', 'nsenter', 'env']) assert.equal(rule(`${w} iptables -A X -j DROP`), 'rule X 0', w);
    for (const w of ['nice', 'ip', 'ip netns', 'ip netns exec', 'docker', 'docker run c']) assert.equal(rule(`${w} iptables -A X -j DROP`), 'other - 0', w);
    for (const k of ['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', '(', 'time', 'fi', 'done', '}', ')', 'if !', 'then {']) assert.equal(rule(`${k} iptables -A X -j DROP`), 'rule X 0', k);
    for (const k of ['"if"', "'then'", '\\!']) assert.equal(rule(`${k} iptables -A X -j DROP`), 'other - 0', k);
    for (const sep of [';', ';;', '&&', '||', '|', '&']) assert.equal(rule(`true ${sep} iptables -A X -j DROP`), 'rule X 0', sep);
    for (const o of ['-u root', '--user root', '-g wheel', '--group wheel', '-C /', '--chdir /', '-t 1', '--target 1', '-S 0', '--setuid 0', '-G 0', '--setgid 0', '-E', '-n', '--', '-E --']) assert.equal(rule(`sudo ${o} iptables -A X -j DROP`), 'rule X 0', o);
    for (const o of ['-u root', '--user root', '-e A=1', '--env A=1', '-w /', '--workdir /', '--env-file f', '-i', '-it', '--privileged']) assert.equal(rule(`docker exec ${o} c iptables -A X -j DROP`), 'rule X 0', o);
    assert.equal(rule('docker exec -- c iptables -A X -j DROP'), 'other - 0', 'docker takes no -- before the container: "c" is not iptables');
    assert.equal(rule('docker exec -u'), 'other - 0');
    assert.equal(rule('kubectl exec p -- iptables -A X -j DROP'), 'rule X 0');
    assert.equal(rule('kubectl exec p -c c -- sudo iptables -A X -j DROP'), 'rule X 0');
    assert.equal(rule('kubectl exec p iptables'), 'other - 0');
    assert.equal(rule('$SUDO $IPT -A X -j DROP'), 'rule X 0', 'a variable before a variable binary is a wrapper');
    assert.equal(rule('$SUDO env A=1 iptables -A X -j DROP'), 'rule X 0');
    assert.equal(rule('$SUDO kubectl exec p -- iptables -A X -j DROP'), 'rule X 0');
    assert.equal(rule('$IPT -A X -j DROP'), 'rule X 0');
    assert.equal(rule('A=1 B=2 iptables -A X -j DROP'), 'rule X 0');
    assert.equal(rule('if -x iptables -A X -j DROP'), 'other - 0', 'an option before any command is not a wrapper option');
  });

  it('redirections: the word after a redirection and a fd number right before it are not arguments', () => {
    const rule = (l: string): string[] => parseLine(l).diagnostics.map((x) => x.message);
    for (const r of ['>/dev/null', '> /dev/null', '2>/dev/null', '2> /dev/null', '>>log', '2>&1', '>/dev/null 2>&1', '&>/dev/null', '&> /dev/null', '< /dev/null', '<in']) assert.deepEqual(rule(`iptables -A X -j DROP ${r}`), [], r);
    assert.deepEqual(rule('iptables -A X -j DROP "2">/dev/null'), ['unexpected argument "2"'], 'a quoted 2 is an argument');
    assert.deepEqual(rule('iptables -A X -j DROP x2>/dev/null'), ['unexpected argument "x2"']);
    assert.deepEqual(rule('iptables -A X -j DROP & >/dev/null'), [], 'a lone & ends the command');
    const bg = parseLine('iptables -A X -j DROP &');
    assert.deepEqual([bg.kind, bg.rule?.chain], ['rule', 'X']);
  });

  it('several calls: the first change is the line\'s result, a check or listing gives way to a change, the other changes follow it in order', () => {
    const l = 'iptables -L X; iptables -A X -j DROP; iptables -A Y -j DROP; iptables -N Z';
    const r = parseLine(l);
    assert.deepEqual([r.kind, r.rule?.chain], ['rule', 'X']);
    assert.deepEqual(r.more?.map((m) => `${m.kind} ${m.rule?.chain ?? m.chain}`), ['rule Y', 'new-chain Z']);
    assert.deepEqual(r.diagnostics, []);
    // the assembler applies them in order: Z exists, X and Y hold their rule
    const rs = parseRules(`${l}\n`);
    assert.deepEqual(rs.rules.map((x) => `${x.line} ${x.chain}`), ['0 X', '0 Y']);
    assert.ok(rs.tables.get('filter')?.chains.has('Z'));
    const checks = parseLine('iptables -C X -j DROP; iptables -S X');
    assert.deepEqual([checks.kind, checks.diagnostics], ['other', []]);
    const notes = parseLine('echo a; iptables -A X -j DROP');
    assert.deepEqual([notes.kind, notes.diagnostics], ['rule', []]);
  });

  it('edges the mutation run asked for: assignments, fd numbers, quoted separators, ip netns exec, a second check', () => {
    const rule = (l: string): string => {
      const r = parseLine(l);
      return `${r.kind} ${r.rule?.chain ?? '-'} ${r.diagnostics.filter((x) => x.severity !== 'info').map((x) => x.message).join('|')}`;
    };
    assert.equal(rule('IPT=/sbin/iptables'), 'other - ', 'an assignment of the binary is not a call');
    assert.equal(rule('1A=1 iptables -A X -j DROP'), 'other - ', 'not a shell variable name');
    assert.equal(rule('AB_1=x iptables -A X -j DROP'), 'rule X ');
    assert.equal(rule('>/dev/null iptables -A X -j DROP'), 'rule X ', 'a redirection first');
    assert.equal(rule('iptables -A X -j DROP 2x>/dev/null'), 'rule X unexpected argument "2x"');
    assert.equal(rule('iptables -A X -j DROP 10>/dev/null'), 'rule X ');
    assert.equal(rule('iptables -A X -j DROP <<EOF'), 'rule X ');
    assert.equal(rule('iptables -N A >; iptables -A X -j DROP'), 'new-chain - ', 'a redirection without a target does not eat the ";"');
    assert.equal(rule('iptables -A X -m comment --comment ";" -j DROP'), 'rule X ', 'a quoted ";" is a word');
    assert.equal(rule('docker'), 'other - ');
    assert.equal(rule('ip'), 'other - ');
    assert.equal(rule('sudo exec iptables -A X -j DROP'), 'rule X ');
    assert.equal(rule('ip link exec ns iptables -A X -j DROP'), 'other - ');
    assert.equal(rule('ip netns identify x iptables -A X -j DROP'), 'other - ');
    assert.equal(rule('$SUDO ip netns exec ns iptables -A X -j DROP'), 'rule X ');
    assert.equal(rule('A=1 -x iptables -A X -j DROP'), 'other - ', 'an option that belongs to no wrapper');
    assert.equal(rule('iptables iptables -A X -j DROP'), 'rule X unexpected argument "iptables"');
    assert.equal(rule('$ if iptables -A X -j DROP'), 'rule X ', 'a prompt, then a keyword');
    assert.equal(rule('"$" if iptables -A X -j DROP'), 'other - ', 'a quoted $ is a word, not a prompt');
    const second = parseLine('iptables -A X -j DROP; iptables -C X -j DROP');
    assert.deepEqual(second.diagnostics, [], 'a check after the change is not a second change');
  });

  it('the notes, exactly: a second change, a line that is not iptables', () => {
    const l = 'iptables -A X -j DROP || iptables -A Y -j DROP';
    assert.deepEqual(parseLine(l).diagnostics, [{ severity: 'info', source: 'iptables', code: 'syntax/multiple-commands', message: 'an iptables command after "||" runs only when the one before it fails: not linted (one rule per line): put it on its own line', span: { line: 1, start: 25, end: 46 }, line: 2, excerpt: 'iptables -A Y -j DROP' }]);
    assert.deepEqual(parseLine('iptables -A X -j DROP && iptables -A Y -j DROP').diagnostics, []);
    const o = parseLine('  echo hi');
    assert.deepEqual([o.format, o.table, o.diagnostics], ['command', 'filter', [{ severity: 'info', source: 'iptables', code: 'syntax/not-iptables', message: 'not an iptables rule: line ignored', span: { line: 1, start: 2, end: 9 }, line: 2, excerpt: 'echo hi' }]]);
  });

  it('"$ iptables" is a prompt; "$" alone before nothing is not', () => {
    assert.equal(parseLine('$ iptables -A X -j DROP').kind, 'rule');
    assert.equal(parseLine('$').kind, 'other');
    assert.equal(parseLine('ip netns exec').kind, 'other');
    assert.equal(parseLine('ip link show').kind, 'other');
  });

  it('"2>/dev/null" is dropped but "2 >file" keeps the 2 as an argument', () => {
    assert.deepEqual(parseLine('iptables -A X -j DROP 2>/dev/null').diagnostics, []);
    assert.deepEqual(parseLine('iptables -A X -j DROP 2 >/dev/null').diagnostics.map((x) => x.message), ['unexpected argument "2"']);
  });
});

describe('shell words the script fills in (session 8: holdouts 4–6)', () => {
  it('-p "$proto": kept as written, its ports read as tcp/udp ones, no protocol error; a restore line keeps the error', () => {
    const rs = parseRules('iptables -A X -p "$proto" --dport 53 -j ACCEPT\niptables -A X -p $P -m multiport --dports 53,80 -j REJECT --reject-with tcp-reset\n');
    assert.deepEqual(all(rs).filter((d) => d.startsWith('error')), []);
    assert.equal(rs.rules[0].protocol?.value, '$proto');
    assert.deepEqual(rs.rules[0].matches.map((m) => [m.module, m.implicit, m.options.map((o) => [o.name, o.args])]), [['$proto', true, [['dport', ['53']]]]]);
    assert.ok(all(parseRules('*filter\n-A X -p $P --dport 1 -j DROP\nCOMMIT\n')).some((d) => d.includes('syntax/unknown-protocol')));
  });
  it('placeholders: `<host_port>`, `<allowed-cidr>/32`, `<backend internal IP>` are one unknown word with an info; real redirections stay', () => {
    const rs = parseRules('iptables -A X -p tcp --dport <host_port> -s <allowed-cidr>/32 -d <backend internal IP> -j DROP\n');
    assert.deepEqual(all(rs).filter((d) => !d.startsWith('info')), []);
    const r = only(rs);
    assert.equal(r.source?.value, '$allowed_cidr/32');
    assert.equal(r.destination?.value, '$backend_internal_IP');
    assert.deepEqual(r.matches[0].options.map((o) => o.args[0]), ['$host_port']);
    assert.deepEqual(rs.diagnostics.filter((d) => d.code === 'syntax/placeholder').map((d) => [d.severity, d.span.start, d.span.end]), [['info', 29, 40], ['info', 44, 58], ['info', 65, 86]]);
    // `2>/dev/null </dev/null` and `<in 2>err` are redirections
    const plain = parseRules('iptables -A X -p tcp --dport 1 -j DROP 2>/dev/null </dev/null\niptables -S X <in 2>err\n');
    assert.deepEqual(plain.diagnostics.filter((d) => d.code === 'syntax/placeholder'), []);
    assert.equal(plain.rules[0].matches[0].options[0].args[0], '1');
  });
  it('a variable in command position is the binary only when named so or followed by a command/table option', () => {
    for (const line of ['$IPT -A X -j DROP', '"${iptables}" -A X -j DROP', '$cmd -A X -j DROP', '"$_cmd" -t filter -A X -j DROP', '$run -w -A X -j DROP']) {
      assert.equal(parseRules(`${line}\n`).rules.length, 1, line);
    }
    // `$port -j ACCEPT")"`: the tail of a grep pattern split by a nested quote
    const rs = parseRules('n="$(iptables -S X | grep -c -- "--dport $port -j ACCEPT")"\n');
    assert.deepEqual(all(rs).filter((d) => d.startsWith('error')), []);
    assert.equal(rs.rules.length, 0);
  });
});
