/**
 * What a line's command makes of its arguments: a rule (-A/-I/-D/-R, with its position), a check (-C), a policy
 * (-P), a new / deleted / flushed / renamed chain (-N/-X/-F/-E), a listing (-L/-S/-Z); and the errors of a line
 * without a command, a chain, a policy or a rule number.
 */
import type { RuleOp } from './model';
import { BUILTIN_CHAINS } from './model';
import { DIAG, mkDiag } from './codes';
import { lineResult, type LineResult } from './lineResult';
import { checkChainName, tokSpan } from './lineDiagnostics';
import type { Tok } from './tokenize';
import type { Cmd } from './optionTable';
import { errTok, type ArgCtx } from './ruleArgs';
import { checkRule } from './ruleChecks';

const NEEDS_CHAIN = new Set<Cmd>(['A', 'I', 'D', 'R', 'N', 'P', 'E', 'C']);
const RULE_CMDS = new Set<Cmd>(['A', 'I', 'D', 'R', 'C']);

/** The line result of the arguments read into c. */
export function finishLine(c: ArgCtx): LineResult {
  const { ll, diags, cmd, cmdTok } = c;
  c.rule.table = c.table;
  const res = lineResult('rule', ll.line, c.table, c.format, diags);
  if (!cmd || !cmdTok) return noCommand(c, res);
  const chainTok = c.chainTok;
  if (NEEDS_CHAIN.has(cmd) && !chainTok) {
    errTok(c, DIAG.noChain, `${cmdTok.text} needs a chain name`, cmdTok);
    res.kind = 'invalid';
    if (RULE_CMDS.has(cmd) && cmd !== 'C') res.rule = c.rule;
    return res;
  }
  if (chainTok) {
    res.chain = chainTok.text;
    res.chainSpan = tokSpan(ll, chainTok);
    if (!checkChainName(chainTok.text, res.chainSpan, diags)) res.kind = 'invalid';
  }
  if (c.listFlag && cmd !== 'L') errTok(c, DIAG.unexpectedToken, `${c.listFlag.text} is only valid with -L (iptables: illegal option with ${cmdTok.text})`, c.listFlag);
  if (!RULE_CMDS.has(cmd)) {
    if (c.ruleStarted) errTok(c, DIAG.unexpectedToken, `${cmdTok.text} takes no rule specification`, cmdTok);
    // kernel-checked: `-P INPUT DROP -c 5 10` is accepted (and `iptables -S -v` prints policies so); -F/-N/-X refuse -c
    if (c.counters && cmd !== 'P') errTok(c, DIAG.unexpectedToken, `${cmdTok.text} takes no counters`, cmdTok);
  }
  switch (cmd) {
    case 'N':
      if (res.kind !== 'invalid') res.kind = 'new-chain';
      return res;
    case 'X':
      res.kind = 'delete-chain';
      return res;
    case 'F':
      res.kind = 'flush';
      return res;
    case 'E':
      return finishRename(c, res, cmdTok);
    case 'P':
      return finishPolicy(c, res, cmdTok);
    case 'L':
    case 'S':
    case 'Z':
      res.kind = 'other';
      return res;
    default:
      return finishRuleCommand(c, res, cmd, cmdTok);
  }
}

const NO_TOKEN: Tok = { text: '', start: 0, end: 0, quoted: false, op: false, opt: undefined };

/** Options without -A/-I/…: an error when they specify a rule (or in save / -S text), else an ignored call. */
function noCommand(c: ArgCtx, res: LineResult): LineResult {
  const whole = c.toks[0] ?? NO_TOKEN;
  const invalid = c.ruleStarted || c.format !== 'command';
  if (c.format === 'save') c.diags.push(mkDiag('error', DIAG.noChain, 'rule without -A/-I CHAIN', tokSpan(c.ll, whole), whole.text));
  // (outside a `*table` section: a rule specification quoted without its chain, as documents and man pages write them)
  else if (c.format === 'S') c.diags.push(mkDiag('info', DIAG.noChain, 'a rule specification without -A/-I CHAIN: which chain it goes to is not said here, so it is not judged', tokSpan(c.ll, whole), whole.text));
  else if (c.ruleStarted) c.diags.push(mkDiag('error', DIAG.noCommand, 'no command (-A/-I/-D/-N/...) given', tokSpan(c.ll, whole), whole.text));
  else c.diags.push(mkDiag('info', DIAG.noCommand, 'iptables call without a rule command: ignored', tokSpan(c.ll, whole), whole.text));
  res.kind = invalid ? 'invalid' : 'other';
  if (c.ruleStarted) res.rule = c.rule; // an invalid rule line is still a rule line (chain "")
  return res;
}

/** -E OLD NEW. */
function finishRename(c: ArgCtx, res: LineResult, cmdTok: Tok): LineResult {
  const nn = c.cmdArg;
  if (!nn) {
    errTok(c, DIAG.missingArgument, '-E needs the new chain name', cmdTok);
    res.kind = 'invalid';
  } else {
    res.kind = 'rename';
    res.newName = nn.text;
    if (!checkChainName(nn.text, tokSpan(c.ll, nn), c.diags)) res.kind = 'invalid';
  }
  return res;
}

/** -P CHAIN ACCEPT|DROP (builtin chains only). */
function finishPolicy(c: ArgCtx, res: LineResult, cmdTok: Tok): LineResult {
  const pol = c.cmdArg;
  const chain = res.chain ?? '';
  res.kind = 'invalid';
  if (!pol) errTok(c, DIAG.missingArgument, `-P ${chain} needs a policy (ACCEPT or DROP)`, cmdTok);
  // `-P FORWARD $POLICY`, `{{ item.default_forward }}`: known only when the script or template runs
  else if (pol.text.startsWith('$')) {
    res.kind = 'other';
    c.diags.push(mkDiag('info', DIAG.badPolicy, `the policy ${pol.text} is known only when the script runs: not judged`, tokSpan(c.ll, pol), pol.text));
  } else if (pol.text !== 'ACCEPT' && pol.text !== 'DROP') errTok(c, DIAG.badPolicy, `bad policy "${pol.text}" (ACCEPT or DROP)`, pol);
  // `for chain in INPUT FORWARD OUTPUT; do iptables -P $chain ACCEPT`: which chain is known only when the script runs
  else if (chain.includes('$')) {
    res.kind = 'other';
    c.diags.push(mkDiag('info', DIAG.badPolicy, `the chain ${chain} is known only when the script runs: its policy is not judged`, res.chainSpan ?? tokSpan(c.ll, cmdTok), chain));
  }
  else if (!BUILTIN_CHAINS[c.table].includes(chain)) {
    c.diags.push(mkDiag('error', DIAG.badPolicy, `${chain} is not a builtin chain of table ${c.table}: only builtin chains have a policy`, res.chainSpan ?? tokSpan(c.ll, cmdTok), chain));
  } else {
    res.kind = 'policy';
    res.policy = pol.text;
  }
  return res;
}

/** -A / -I [n] / -D [n] / -R n / -C: the rule, its position; -C is checked like a rule but is kind 'other'. */
function finishRuleCommand(c: ArgCtx, res: LineResult, cmd: Cmd, cmdTok: Tok): LineResult {
  const rule = c.rule;
  rule.chain = res.chain ?? '';
  rule.op = cmd === 'C' ? 'A' : (cmd as RuleOp);
  if (c.counters) rule.counters = c.counters;
  const posTok = c.cmdArg;
  if (posTok) {
    // a shell variable (`-I CHAIN "$n"`): the position is unknown, not wrong
    // (Infinity: the assembler places it last, where scripts that compute it mean it: before a final RETURN)
    if (posTok.text.startsWith('$')) rule.position = Infinity;
    else if (!/^\d+$/.test(posTok.text) || Number(posTok.text) < 1) errTok(c, DIAG.badPosition, `bad rule number "${posTok.text}" (1-based)`, posTok);
    else rule.position = Number(posTok.text);
  } else if (cmd === 'R') errTok(c, DIAG.missingArgument, '-R needs a rule number', cmdTok);
  if (cmd === 'D' && rule.position !== undefined && c.ruleStarted) errTok(c, DIAG.unexpectedToken, '-D takes a rule number or a rule specification, not both', cmdTok);
  if (cmd === 'C') res.kind = 'other';
  else res.rule = rule;
  checkRule(rule, c.diags);
  return res;
}
