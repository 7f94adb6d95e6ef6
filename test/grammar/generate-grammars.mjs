#!/usr/bin/env node
/**
 * Source of the five TextMate grammars in syntaxes/*.tmLanguage.json (regexes are easier to read with String.raw
 * than JSON-escaped). `node test/grammar/generate-grammars.mjs` rewrites them; `--check` exits 1 when the committed
 * JSON differs (test/grammar/generated.test.ts runs it). Every rule is a single-line `match` (no begin/end), so no
 * scope can ever run past the end of a line, whatever the input.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RAW_AT = process.argv.indexOf('--raw');
/**
 * `--raw DIR` writes the grammars without the speed transforms (alternation, possessive, optimise) to DIR:
 * test/grammar/optimised.test.ts checks that both tokenize every fixture identically.
 */
const RAW = RAW_AT >= 0;
const OUT = RAW ? process.argv[RAW_AT + 1] : join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'syntaxes');
const r = String.raw;

// ---- shared regex fragments ------------------------------------------------------------------------------
const IPV4 = r`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}`;
const H = '[0-9a-fA-F]';
const IPV6 = r`(?:(?:${H}{1,4}:){7}${H}{1,4}|(?=[0-9a-fA-F:]*::)(?:${H}{1,4}(?::${H}{1,4})*)?::(?:${H}{1,4}(?::${H}{1,4})*)?)`;
const MAC = r`${H}{2}(?::${H}{2}){5}`;
/** Start of a whitespace-separated word (start of line or after blank). */
const W = r`(?<![^\s])`;
/** End of a whitespace-separated word. */
const WE = r`(?!\S)`;

const BUILTIN_TARGETS = [
  'ACCEPT', 'DROP', 'REJECT', 'RETURN', 'QUEUE', 'NFQUEUE', 'LOG', 'ULOG', 'NFLOG', 'DNAT', 'SNAT', 'MASQUERADE',
  'REDIRECT', 'NETMAP', 'MARK', 'CONNMARK', 'CONNSECMARK', 'SECMARK', 'TPROXY', 'TRACE', 'CT', 'NOTRACK', 'TCPMSS',
  'TOS', 'DSCP', 'TTL', 'HL', 'CLASSIFY', 'SET', 'AUDIT', 'CHECKSUM', 'CLUSTERIP', 'IDLETIMER', 'LED', 'RATEEST',
  'TEE', 'SYNPROXY', 'HMARK', 'ECN', 'DNPT', 'SNPT', 'TCPOPTSTRIP', 'BALANCE', 'MIRROR',
].join('|');
const TARGET_RE = r`(?<![\w-])(?:${BUILTIN_TARGETS})(?![\w-])`;

/** Scope helper: `sc('constant.numeric', 'ipvsadm')` → "constant.numeric.ipvsadm". */
const sc = (name, lang) => name.split(' ').map((n) => `${n}.${lang}`).join(' ');

function common(lang) {
  return {
    ipv4: {
      patterns: [
        {
          comment: 'CIDR a.b.c.d/n or a.b.c.d/mask',
          match: r`(?<![\w.])(${IPV4})(/)(\d{1,2}|${IPV4})(?![\w.])`,
          name: sc('constant.other.cidr.ipv4', lang),
          captures: {
            1: { name: sc('constant.other.address.ipv4 constant.numeric.address.ipv4', lang) },
            2: { name: sc('punctuation.separator.prefix', lang) },
            3: { name: sc('constant.numeric.prefix-length', lang) },
          },
        },
        {
          comment: 'address:port or address:port-port',
          match: r`(?<![\w.])(${IPV4})(:)(\d{1,5})(?:([-:])(\d{1,5}))?(?![\w.])`,
          name: sc('constant.other.address-port.ipv4', lang),
          captures: {
            1: { name: sc('constant.other.address.ipv4 constant.numeric.address.ipv4', lang) },
            2: { name: sc('punctuation.separator.port', lang) },
            3: { name: sc('constant.numeric.port', lang) },
            4: { name: sc('punctuation.separator.range', lang) },
            5: { name: sc('constant.numeric.port', lang) },
          },
        },
        { match: r`(?<![\w.])${IPV4}(?![\w.])`, name: sc('constant.other.address.ipv4 constant.numeric.address.ipv4', lang) },
      ],
    },
    ipv6: {
      patterns: [
        {
          comment: '[v6]:port (ipvsadm)',
          match: r`(\[)(${IPV6})(\])(?:(:)(\d{1,5}))?`,
          name: sc('constant.other.address-port.ipv6', lang),
          captures: {
            1: { name: sc('punctuation.definition.address.begin', lang) },
            2: { name: sc('constant.other.address.ipv6 constant.numeric.address.ipv6', lang) },
            3: { name: sc('punctuation.definition.address.end', lang) },
            4: { name: sc('punctuation.separator.port', lang) },
            5: { name: sc('constant.numeric.port', lang) },
          },
        },
        {
          match: r`(?<![\w:.])(${IPV6})(/)(\d{1,3})(?![\w:.])`,
          name: sc('constant.other.cidr.ipv6', lang),
          captures: {
            1: { name: sc('constant.other.address.ipv6 constant.numeric.address.ipv6', lang) },
            2: { name: sc('punctuation.separator.prefix', lang) },
            3: { name: sc('constant.numeric.prefix-length', lang) },
          },
        },
        { match: r`(?<![\w:.])${IPV6}(?![\w:.])`, name: sc('constant.other.address.ipv6 constant.numeric.address.ipv6', lang) },
      ],
    },
    mac: { match: r`(?<![\w:.])${MAC}(?![\w:.])`, name: sc('constant.other.mac constant.numeric.mac', lang) },
    hex: { match: r`(?<![\w.])0x${H}+(?![\w.])`, name: sc('constant.numeric.hex', lang) },
    number: { match: r`(?<![\w.])\d+(?:\.\d+)?(?![\w.])`, name: sc('constant.numeric.integer', lang) },
    negation: { match: r`(?<![^\s])!(?=\s|$|[\w*.])`, name: sc('keyword.operator.negation keyword.other.negation', lang) },
    'comment-line': {
      match: r`^\s*(#).*$`,
      name: sc('comment.line.number-sign', lang),
      captures: { 1: { name: sc('punctuation.definition.comment', lang) } },
    },
    target: {
      comment: 'a jump target: a built-in/extension target, else a user chain',
      patterns: [
        { match: TARGET_RE, name: sc('support.function.target', lang) },
        { match: r`[^\s!]+`, name: sc('entity.name.function.chain', lang) },
      ],
    },
    interface: {
      patterns: [
        { match: '!', name: sc('keyword.operator.negation keyword.other.negation', lang) },
        { match: r`(?<![^\s!])\*(?!\S)`, name: sc('constant.language.any-interface', lang) },
        { match: r`[^\s!]+`, name: sc('entity.name.tag.interface', lang) },
      ],
    },
    addresses: { patterns: [{ include: '#ipv4' }, { include: '#ipv6' }] },
  };
}

function grammar(lang, name, patterns, repository) {
  return {
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    name,
    scopeName: `source.${lang}`,
    comment: 'Generated by test/grammar/generate-grammars.mjs - edit that file, not this one. Single-line match rules only.',
    patterns,
    repository: { ...common(lang), ...repository },
  };
}

// ---- iptables (iptables-save / -S / script lines) -----------------------------------------------------------
function iptables() {
  const L = 'iptables';
  const s = (n) => sc(n, L);
  const portList = {
    patterns: [
      { match: r`\d+`, name: s('constant.numeric.port') },
      { match: r`[:-]`, name: s('punctuation.separator.range') },
      { match: ',', name: s('punctuation.separator.list') },
    ],
  };
  const words = (scope) => ({
    patterns: [
      { match: r`[^\s,]+`, name: s(scope) },
      { match: ',', name: s('punctuation.separator.list') },
    ],
  });
  return grammar('iptables', 'iptables rules (iptables-save, iptables -S, iptables command lines)', [
    { include: '#comment-line' },
    { include: '#table' },
    { include: '#chain-declaration' },
    { include: '#commit' },
    { include: '#rule-counters' },
    { include: '#rule' },
  ], {
    'rule-counters': {
      comment: 'iptables-save -c: [packets:bytes] before the rule',
      match: r`^\s*(\[)(\d+)(:)(\d+)(\])(?=\s)`,
      captures: {
        1: { name: s('punctuation.definition.counters.begin') },
        2: { name: s('constant.numeric.counter.packets') },
        3: { name: s('punctuation.separator.counters') },
        4: { name: s('constant.numeric.counter.bytes') },
        5: { name: s('punctuation.definition.counters.end') },
      },
    },
    table: {
      match: r`^\s*(\*)(\S+)\s*$`,
      name: s('meta.table'),
      captures: { 1: { name: s('keyword.control.table') }, 2: { name: s('keyword.control.table entity.name.section.table') } },
    },
    'chain-declaration': {
      comment: ':NAME POLICY [packets:bytes]',
      match: r`^\s*(:)(\S+)(?:\s+(?:(-)|(\S+)))?(?:\s+(\[)(\d+)(:)(\d+)(\]))?`,
      name: s('meta.chain-declaration'),
      captures: {
        1: { name: s('punctuation.definition.chain') },
        2: { name: s('entity.name.function.chain') },
        3: { name: s('constant.language.no-policy') },
        4: { name: s('support.function.target.policy') },
        5: { name: s('punctuation.definition.counters.begin') },
        6: { name: s('constant.numeric.counter.packets') },
        7: { name: s('punctuation.separator.counters') },
        8: { name: s('constant.numeric.counter.bytes') },
        9: { name: s('punctuation.definition.counters.end') },
      },
    },
    commit: { match: r`^\s*(COMMIT)(?!\S)`, captures: { 1: { name: s('keyword.control.commit') } } },
    rule: {
      patterns: [
        { include: '#invalid' },
        { include: '#program' },
        { include: '#chain-command' },
        { include: '#options' },
        { include: '#string' },
        { include: '#negation' },
        { include: '#addresses' },
        { include: '#mac' },
        { include: '#port-only' },
        { include: '#hex' },
        { include: '#number' },
        { match: r`\$\{?\w+\}?`, name: s('variable.other.shell') },
        { match: r`\\$`, name: s('constant.character.escape.line-continuation') },
      ],
    },
    invalid: {
      comment: 'certainly broken: a chain command or a jump with nothing after it',
      patterns: [
        { match: r`${W}(-[AI]|--append|--insert)\s*$`, name: s('invalid.illegal.missing-chain') },
        { match: r`${W}(-[jg]|--jump|--goto)\s*$`, name: s('invalid.illegal.missing-target') },
      ],
    },
    program: {
      match: r`^\s*(?:(sudo)\s+(?:-\S+\s+)*)?(ip6?tables(?:-legacy|-nft)?(?:-save|-restore)?|ip6?tables-(?:save|restore)(?:-legacy|-nft)?)${WE}`,
      captures: { 1: { name: s('support.function.sudo') }, 2: { name: s('support.function.command') } },
    },
    'chain-command': {
      patterns: [
        {
          comment: '-P CHAIN POLICY',
          match: r`${W}(-P|--policy)(?:\s+([^\s-]\S*))?(?:\s+([^\s-]\S*))?`,
          captures: {
            1: { name: s('keyword.control.command') },
            2: { name: s('entity.name.function.chain') },
            3: { name: s('support.function.target.policy') },
          },
        },
        {
          comment: '-E OLD NEW',
          match: r`${W}(-E|--rename-chain)(?:\s+([^\s-]\S*))?(?:\s+([^\s-]\S*))?`,
          captures: {
            1: { name: s('keyword.control.command') },
            2: { name: s('entity.name.function.chain') },
            3: { name: s('entity.name.function.chain') },
          },
        },
        {
          comment: '-A/-I/-D/-R/-N/-X/-F/-Z/-L/-S/-C CHAIN [rulenum]',
          match: r`${W}(-[AIDRNXFZLSC]|--(?:append|insert|delete|replace|new-chain|new|delete-chain|flush|zero|list|list-rules|check))(?:\s+([^\s!-]\S*))?(?:\s+(\d+)${WE})?`,
          captures: {
            1: { name: s('keyword.control.command') },
            2: { name: s('entity.name.function.chain') },
            3: { name: s('constant.numeric.rule-number') },
          },
        },
      ],
    },
    options: {
      patterns: [
        {
          match: r`${W}(-t|--table)\s+(\S+)`,
          captures: { 1: { name: s('variable.parameter.option entity.other.attribute-name.option') }, 2: { name: s('entity.name.section.table') } },
        },
        {
          match: r`${W}(-j|--jump|-g|--goto)\s+(?:(${TARGET_RE})|(\S+))`,
          captures: {
            1: { name: s('variable.parameter.option entity.other.attribute-name.option') },
            2: { name: s('support.function.target') },
            3: { name: s('entity.name.function.chain') },
          },
        },
        {
          match: r`${W}(-m|--match)\s+(\S+)`,
          captures: { 1: { name: s('variable.parameter.option entity.other.attribute-name.option') }, 2: { name: s('entity.name.type.module') } },
        },
        {
          match: r`${W}(-p|--protocol)\s+(?:(!)\s+)?([^\s!]+)`,
          captures: {
            1: { name: s('variable.parameter.option entity.other.attribute-name.option') },
            2: { name: s('keyword.operator.negation keyword.other.negation') },
            3: { name: s('constant.language.protocol') },
          },
        },
        {
          match: r`${W}(-i|-o|--in-interface|--out-interface|--physdev-in|--physdev-out)\s+(?:(!)\s+)?([^\s!]+)`,
          captures: {
            1: { name: s('variable.parameter.option entity.other.attribute-name.option') },
            2: { name: s('keyword.operator.negation keyword.other.negation') },
            3: { name: s('entity.name.tag.interface') },
          },
        },
        {
          match: r`${W}(--comment)(?:\s+("(?:[^"\\]|\\.)*(?:"|$)|'[^']*(?:'|$)|\S+))?`,
          captures: {
            1: { name: s('variable.parameter.option entity.other.attribute-name.option') },
            2: { name: s('meta.rule-comment'), patterns: [{ include: '#string' }, { match: r`\S+`, name: s('string.unquoted.comment') }] },
          },
        },
        {
          match: r`${W}(--ctstate|--state|--ctstatus)\s+(?:(!)\s+)?([\w,]+)`,
          captures: {
            1: { name: s('variable.parameter.option entity.other.attribute-name.option') },
            2: { name: s('keyword.operator.negation keyword.other.negation') },
            3: words('constant.language.ctstate'),
          },
        },
        {
          match: r`${W}(--(?:src|dst)-type)\s+(?:(!)\s+)?([\w,]+)`,
          captures: {
            1: { name: s('variable.parameter.option entity.other.attribute-name.option') },
            2: { name: s('keyword.operator.negation keyword.other.negation') },
            3: words('constant.language.addrtype'),
          },
        },
        {
          match: r`${W}(--match-set)\s+(?:(!)\s+)?(\S+)(?:\s+((?:src|dst)(?:,(?:src|dst))*)${WE})?`,
          captures: {
            1: { name: s('variable.parameter.option entity.other.attribute-name.option') },
            2: { name: s('keyword.operator.negation keyword.other.negation') },
            3: { name: s('entity.name.type.ipset') },
            4: words('constant.language.set-flags'),
          },
        },
        {
          comment: '-m policy --dir in --pol none, --ctdir, --reject-with, --log-level ...: word values',
          match: r`${W}(--(?:dir|pol|mode|proto|ctdir|ctproto|reject-with|log-level|addrtype|vdir|vmethod|ipvs-method|physdev-is-\w+))(?:\s+(?:(!)\s+)?([A-Za-z][\w-]*)${WE})?`,
          captures: {
            1: { name: s('variable.parameter.option entity.other.attribute-name.option') },
            2: { name: s('keyword.operator.negation keyword.other.negation') },
            3: { name: s('constant.language.value') },
          },
        },
        {
          comment: 'mark values: --set-xmark 0x100/0xffffffff, --mark 0x1/0x1',
          match: r`${W}(--(?:set-xmark|set-mark|xor-mark|and-mark|or-mark|mark|ctmark|nfmask|ctmask|mask|set-xmark|restore-mark|save-mark|fwmark|queue-num))\s+(?:(!)\s+)?(0x${H}+|\d+)(?:(/)(0x${H}+|\d+))?${WE}`,
          captures: {
            1: { name: s('variable.parameter.option entity.other.attribute-name.option') },
            2: { name: s('keyword.operator.negation keyword.other.negation') },
            3: { name: s('constant.numeric.mark') },
            4: { name: s('punctuation.separator.mask') },
            5: { name: s('constant.numeric.mark-mask') },
          },
        },
        {
          comment: 'ports and ranges: --dport 80, --dports 80,443, --sport 1024:65535, --to-ports 80-90',
          match: r`${W}(--(?:dports?|sports?|destination-ports?|source-ports?|to-ports?|ports|ctorigdstport|ctorigsrcport|ctrepldstport|ctreplsrcport|vport))\s+(?:(!)\s+)?(\d+(?:[:-]\d+)?(?:,\d+(?:[:-]\d+)?)*)${WE}`,
          captures: {
            1: { name: s('variable.parameter.option entity.other.attribute-name.option') },
            2: { name: s('keyword.operator.negation keyword.other.negation') },
            3: portList,
          },
        },
        { match: r`${W}(--?[A-Za-z][\w-]*)(?==|\s|$)`, name: s('variable.parameter.option entity.other.attribute-name.option') },
      ],
    },
    'port-only': {
      comment: 'SNAT --to-source :53',
      match: r`${W}(:)(\d{1,5})(?:(-)(\d{1,5}))?${WE}`,
      captures: {
        1: { name: s('punctuation.separator.port') },
        2: { name: s('constant.numeric.port') },
        3: { name: s('punctuation.separator.range') },
        4: { name: s('constant.numeric.port') },
      },
    },
    string: {
      patterns: [
        {
          match: r`(")((?:[^"\\]|\\.)*)(")`,
          name: s('string.quoted.double'),
          captures: {
            1: { name: s('punctuation.definition.string.begin') },
            2: { patterns: [{ match: r`\\.`, name: s('constant.character.escape') }] },
            3: { name: s('punctuation.definition.string.end') },
          },
        },
        {
          comment: 'unclosed double quote: the string stops at the end of the line',
          match: r`(")((?:[^"\\]|\\.)*\\?)$`,
          name: s('string.quoted.double.unterminated'),
          captures: { 1: { name: s('punctuation.definition.string.begin') } },
        },
        {
          match: r`(')([^']*)(')`,
          name: s('string.quoted.single'),
          captures: { 1: { name: s('punctuation.definition.string.begin') }, 3: { name: s('punctuation.definition.string.end') } },
        },
        {
          match: r`(')([^']*)$`,
          name: s('string.quoted.single.unterminated'),
          captures: { 1: { name: s('punctuation.definition.string.begin') } },
        },
      ],
    },
  });
}


/**
 * Builds a `match` rule from a list of regex fragments, each fragment followed by the scope names of the capture
 * groups it opens, in order (name-only captures: no sub-patterns, which vscode-textmate re-scans on a copy of the
 * line prefix for every capture, quadratic on long lines and slow on 10,000 lines).
 */
function numbered(parts, name) {
  let re = '';
  const names = [];
  for (let i = 0; i < parts.length; ) {
    const frag = parts[i++];
    const want = countGroups(frag);
    for (let k = 0; k < want; k++) names.push(parts[i++]);
    re += frag;
  }
  const captures = {};
  names.forEach((n, i) => {
    if (n) captures[i + 1] = typeof n === 'string' ? { name: n } : n;
  });
  return { match: re, name, captures };
}

/**
 * One rule that matches what a run of match rules matches: (a)|(b)|..., each rule's name on a group around its
 * alternative, its captures renumbered. At a given position the first alternative that matches wins, exactly as the
 * scanner picks the first rule of a list, so tokens are unchanged; but Oniguruma's regset search has a cost per rule
 * per call (setup and a look-ahead search for each), so a scanner of 9 rules instead of 28 is ~25% cheaper per call
 * for #extras. Only runs whose rules share a first-character class pay off (keywords; the addresses): merging words
 * with numbers loses Oniguruma's skip to candidate positions and is slower (measured). `guard`: a look-behind that
 * every alternative implies (each starts with it or a stricter one), tested once per position before the
 * alternatives: inside a word it rejects the position at once (~10% on lines left to #extras).
 */
/** For each guard, the rule openings that imply it (a word start; a word start followed by a letter). */
const IMPLIED_BY = { [r`(?<!\w)`]: [r`(?<![\w-])`, r`\b`], [r`(?<![\w.])`]: [r`(?<![\w.])`] };

function alternation(rules, guard = '') {
  if (RAW) return { patterns: rules };
  if (guard && !rules.every((rule) => IMPLIED_BY[guard]?.some((p) => rule.match.startsWith(p)))) throw new Error(`alternation: guard ${guard} not implied`);
  const alts = [];
  const captures = {};
  let n = 0;
  for (const rule of rules) {
    if (typeof rule.match !== 'string' || rule.patterns || rule.include) throw new Error('alternation: match rules only');
    if (rule.name) {
      n++;
      captures[n] = { name: rule.name };
      alts.push(`(${rule.match})`);
    } else alts.push(`(?:${rule.match})`);
    for (const [k, v] of Object.entries(rule.captures ?? {})) captures[n + Number(k)] = v;
    n += countGroups(rule.match);
  }
  return { match: `${guard}(?:${alts.join('|')})`, captures };
}

/**
 * Possessive repeats (\s++ \d++ \S++ \w++ [^\s!]++) in a rule-line regex: each of them is followed by something its
 * class cannot match (a blank, a non-blank, a look-ahead), so giving characters back can never lead to a match and
 * the tokens are the same (checked on every fixture); a line that is not a rule (malformed, fallback) fails ~5%
 * faster and a rule line matches faster too. Lazy and bounded repeats are left alone.
 */
function possessive(rule) {
  if (RAW) return rule;
  return { ...rule, match: rule.match.replace(/(\\[sdSw]|\[\^\\s!\])\+(?![+?*{])/g, '$1++') };
}

/** Number of capturing groups a regex fragment opens: `(` not followed by `?`, outside [...] and not escaped. */
function countGroups(re) {
  return groupSpans(re).length;
}

// ---- iptables -nvL / -L listing --------------------------------------------------------------------------------
function iptablesList() {
  const L = 'iptables-list';
  const s = (n) => sc(n, L);
  const C = common(L);
  const STRING = [
    { match: r`"(?:[^"\\]|\\.)*"`, name: s('string.quoted.double') },
    { match: r`"(?:[^"\\]|\\.)*$`, name: s('string.quoted.double.unterminated') },
  ];
  /** 176K: the digits are the counter, the suffix is the counter and a unit (one outer group: fewer scope pushes). */
  const COUNTER = [r`(\d+([KMGTPE])?)`, s('constant.numeric.counter'), s('keyword.other.unit.suffix')];
  const TARGET_SLOT = [
    r`(?:(?:(${TARGET_RE})|(\S+))\s+)??`, s('support.function.target'), s('entity.name.function.chain'),
  ];
  const PROT = [r`(!)?(\w+)\s+(--|-f|!f)\s+`, s('keyword.operator.negation keyword.other.negation'), s('constant.language.protocol'), s('constant.language.fragment-option')];
  const IFACE = [r`(!)?(?:(\*)|([^\s!]+))`, s('keyword.operator.negation keyword.other.negation'), s('constant.language.any-interface'), s('entity.name.tag.interface')];
  /**
   * Fast path: the details Docker's rules print (in iptables' order: matches, then target info), matched in the same
   * regex as the columns so a typical rule line is one regex match. Anything else (match-set, policy match, LOG...) is
   * left to #extras (same scopes): every group here costs on every rule line, matched or not.
   */
  const E = r`(?=\s|$)`;
  const PORT = (kw) => [
    r`(?:\s+(${kw})(:)(\d+)(?:(:)(\d+))?${E})?`,
    s('keyword.other.match'), s('punctuation.separator.key-value'), s('constant.numeric.port'), s('punctuation.separator.range'), s('constant.numeric.port'),
  ];
  const STATE = [r`([A-Z_]+)`, s('constant.language.ctstate')];
  const MORE_STATE = [r`(?:(,)([A-Z_]+))?`, s('punctuation.separator.list'), s('constant.language.ctstate')];
  const FAST_EXTRAS = [
    // one look-ahead skips the whole run when only blanks follow the destination (~half the rule lines), instead of
    // each optional item consuming the trailing blanks and failing in turn
    r`(?:(?=\s+\S)`,
    r`(?:\s+(/\*.*?\*/))?`, s('comment.block.rule-comment'),
    r`(?:\s+(tcp|udp|sctp|dccp|udplite)${E}`, s('entity.name.type.module'),
    ...PORT('spts?'), ...PORT('dpts?'),
    r`)?`,
    r`(?:\s+(ctstate|state)\s+`, s('keyword.other.match'),
    ...STATE, ...MORE_STATE, ...MORE_STATE, ...MORE_STATE, r`${E})?`,
    r`(?:\s+(ADDRTYPE)\s+(match)\s+((?:src|dst)-type)\s+([A-Z_]+)${E})?`,
    s('entity.name.type.module'), s('keyword.other.match'), s('keyword.other.match'), s('constant.language.addrtype'),
    r`(?:\s+(ipvs)${E})?`, s('entity.name.type.module'),
    r`(?:\s+((to)(:)(?:(${IPV4})(?:(-)(${IPV4}))?)?(?:(:)(\d{1,5})(?:(-)(\d{1,5}))?)?)${E})?`,
    s('meta.nat-destination'), s('keyword.other.nat'), s('punctuation.separator.key-value'),
    s('constant.other.address.ipv4 constant.numeric.address.ipv4'), s('punctuation.separator.range'), s('constant.other.address.ipv4 constant.numeric.address.ipv4'),
    s('punctuation.separator.port'), s('constant.numeric.port'),
    s('punctuation.separator.range'), s('constant.numeric.port'),
    r`(?:\s+(MARK)\s+(set|xset)\s+(0x${H}+)(?:(/)(0x${H}+))?${E})?`,
    s('support.function.target'), s('keyword.other.mark-operation'), s('constant.numeric.hex'), s('punctuation.separator.mask'), s('constant.numeric.hex'),
    r`(?:\s+(redir|masq)\s+(ports:?)\s+(\d+)(?:(-)(\d+))?${E})?`,
    s('keyword.other.nat'), s('keyword.other.nat'), s('constant.numeric.port'), s('punctuation.separator.range'), s('constant.numeric.port'),
    r`)?`,
  ];
  const ADDR = [
    r`(!)?(?:((${IPV4})(/)(\d{1,2}|${IPV4}))|(${IPV4})|((${IPV6})(/)(\d{1,3}))|(${IPV6})|([^\s!]+))`,
    s('keyword.operator.negation keyword.other.negation'),
    s('constant.other.cidr.ipv4'), s('constant.other.address.ipv4 constant.numeric.address.ipv4'), s('punctuation.separator.prefix'), s('constant.numeric.prefix-length'),
    s('constant.other.address.ipv4 constant.numeric.address.ipv4'),
    s('constant.other.cidr.ipv6'), s('constant.other.address.ipv6 constant.numeric.address.ipv6'), s('punctuation.separator.prefix'), s('constant.numeric.prefix-length'),
    s('constant.other.address.ipv6 constant.numeric.address.ipv6'),
    s('constant.other.host'),
  ];
  return grammar('iptables-list', 'iptables -L / -nvL listing', [
    { include: '#comment-line' },
    { include: '#chain-header-fast' },
    { include: '#chain-header' },
    { include: '#column-header' },
    { include: '#rule-verbose' },
    { include: '#rule-terse' },
    {
      comment: 'any other line: the detail patterns. Every top-level rule is anchored at ^, so a line costs one search',
      match: r`^(.*\S.*)$`,
      captures: { 1: { patterns: [{ include: '#extras' }] } },
    },
  ], {
    'chain-header-fast': {
      comment: 'the two usual forms in one regex with plain captures: (policy ACCEPT 144 packets, 12119 bytes), (2 references)',
      ...numbered(
        [
          r`^(Chain)\s+(\S+)\s+(\()`, s('keyword.control.chain'), s('entity.name.function.chain'), s('punctuation.definition.chain-info.begin'),
          r`(?:(policy)\s+(\S+?)(?:\s+`, s('keyword.other.policy'), s('support.function.target.policy'),
          ...COUNTER, r`\s+(packets)(,)\s+`, s('keyword.other.unit'), s('punctuation.separator'),
          ...COUNTER, r`\s+(bytes))?|(\d+)\s+(references?))`, s('keyword.other.unit'), s('constant.numeric.counter'), s('keyword.other.unit'),
          r`(\))\s*$`, s('punctuation.definition.chain-info.end'),
        ],
        s('meta.chain-header'),
      ),
    },
    'chain-header': {
      match: r`^(Chain)\s+(\S+)(?:\s+(\()([^)]*)(\)?))?`,
      name: s('meta.chain-header'),
      captures: {
        1: { name: s('keyword.control.chain') },
        2: { name: s('entity.name.function.chain') },
        3: { name: s('punctuation.definition.chain-info.begin') },
        4: {
          patterns: [
            {
              match: r`\b(policy)\s+(\S+)`,
              captures: { 1: { name: s('keyword.other.policy') }, 2: { name: s('support.function.target.policy') } },
            },
            { match: r`\b(packets|bytes|references?)\b`, name: s('keyword.other.unit') },
            { match: r`(?<![\w.])(\d+)([KMGTPE]?)(?![\w.])`, captures: { 1: { name: s('constant.numeric.counter') }, 2: { name: s('constant.numeric.counter keyword.other.unit.suffix') } } },
            { match: ',', name: s('punctuation.separator') },
          ],
        },
        5: { name: s('punctuation.definition.chain-info.end') },
      },
    },
    'column-header': {
      match: r`^\s*(?:num\s+)?(?:pkts\s+bytes\s+)?target\s+prot\s+opt\s+(?:in\s+out\s+)?source\s+destination\b.*$`,
      name: s('keyword.other.column-header'),
    },
    'rule-verbose': {
      comment: '[num] pkts bytes [target] prot opt in out source destination; the details after it are matched by #extras',
      ...possessive(numbered(
        [
          r`^\s*(?:(\d+)\s+)?`, s('constant.numeric.rule-number'),
          ...COUNTER, r`\s+`, ...COUNTER, r`\s+`,
          ...TARGET_SLOT,
          ...PROT,
          ...IFACE, r`\s+`, ...IFACE, r`\s+`,
          ...ADDR, r`\s+`, ...ADDR, r`(?=\s|$)`,
          ...FAST_EXTRAS,
          r`(?:\s+(\S.*?))?\s*$`, { patterns: [{ include: '#extras' }] },
        ],
        s('meta.rule'),
      )),
    },
    'rule-terse': {
      comment: 'iptables -L without -v: [num] [target] prot opt source destination',
      ...possessive(numbered(
        [
          r`^(?:(\d+)\s+)?`, s('constant.numeric.rule-number'),
          ...TARGET_SLOT,
          ...PROT,
          ...ADDR, r`\s+`, ...ADDR, r`(?=\s|$)`,
          ...FAST_EXTRAS,
          r`(?:\s+(\S.*?))?\s*$`, { patterns: [{ include: '#extras' }] },
        ],
        s('meta.rule'),
      )),
    },
    extras: {
      comment: 'the match/target details iptables prints after the destination column (runs of rules merged: see alternation())',
      patterns: [
        alternation([
          { match: r`/\*.*?\*/`, name: s('comment.block.rule-comment') },
          { match: r`/\*.*$`, name: s('comment.block.rule-comment.unterminated') },
        ]),
        {
          comment: 'to:172.18.0.2:1080, to::53, to:10.0.0.2-10.0.0.5',
          match: r`(?<![\w-])(to)(:)(?:(${IPV4})(?:(-)(${IPV4}))?)?(?:(:)(\d{1,5})(?:(-)(\d{1,5}))?)?(?![\w.])`,
          name: s('meta.nat-destination'),
          captures: {
            1: { name: s('keyword.other.nat') },
            2: { name: s('punctuation.separator.key-value') },
            3: { name: s('constant.other.address.ipv4 constant.numeric.address.ipv4') },
            4: { name: s('punctuation.separator.range') },
            5: { name: s('constant.other.address.ipv4 constant.numeric.address.ipv4') },
            6: { name: s('punctuation.separator.port') },
            7: { name: s('constant.numeric.port') },
            8: { name: s('punctuation.separator.range') },
            9: { name: s('constant.numeric.port') },
          },
        },
        alternation([
        {
          match: r`(?<![\w-])(dpts?|spts?|ports?|vport|vportctl)(:)(!)?(\d+)(?:(:)(\d+))?(?![\w.])`,
          captures: {
            1: { name: s('keyword.other.match') },
            2: { name: s('punctuation.separator.key-value') },
            3: { name: s('keyword.operator.negation keyword.other.negation') },
            4: { name: s('constant.numeric.port') },
            5: { name: s('punctuation.separator.range') },
            6: { name: s('constant.numeric.port') },
          },
        },
        {
          match: r`\b(multiport)\s+(dports|sports|ports)\s+(!\s*)?(\d+(?:[:-]\d+)?(?:,\d+(?:[:-]\d+)?)*)`,
          captures: {
            1: { name: s('entity.name.type.module') },
            2: { name: s('keyword.other.match') },
            3: { name: s('keyword.operator.negation keyword.other.negation') },
            4: { patterns: [{ match: r`\d+`, name: s('constant.numeric.port') }] },
          },
        },
        {
          match: r`\b(redir|masq)\s+(ports:?)\s+(\d+)(?:(-)(\d+))?`,
          captures: {
            1: { name: s('keyword.other.nat') },
            2: { name: s('keyword.other.nat') },
            3: { name: s('constant.numeric.port') },
            4: { name: s('punctuation.separator.range') },
            5: { name: s('constant.numeric.port') },
          },
        },
        {
          comment: 'MARK set 0x12c, MARK xset 0x100/0xffffffff, CONNMARK restore',
          match: r`(?<![\w-])(MARK|CONNMARK)\s+(set|xset|and|or|xor|restore|save)(?![\w-])`,
          captures: { 1: { name: s('support.function.target') }, 2: { name: s('keyword.other.mark-operation') } },
        },
        {
          match: r`\b(mark|connmark)\s+(match)\s+(!\s*)?`,
          captures: { 1: { name: s('keyword.other.match') }, 2: { name: s('keyword.other.match') }, 3: { name: s('keyword.operator.negation keyword.other.negation') } },
        },
        {
          match: r`\b(ctstate|state|ctstatus|ctdir)\s+(!\s*)?([A-Z_]+(?:,[A-Z_]+)*)`,
          captures: {
            1: { name: s('keyword.other.match') },
            2: { name: s('keyword.operator.negation keyword.other.negation') },
            3: { patterns: [{ match: r`[A-Z_]+`, name: s('constant.language.ctstate') }, { match: ',', name: s('punctuation.separator.list') }] },
          },
        },
        {
          match: r`\b(ADDRTYPE)\s+(match)\s+((?:src|dst)-type)\s+(!\s*)?([A-Z_]+(?:,[A-Z_]+)*)`,
          captures: {
            1: { name: s('entity.name.type.module') },
            2: { name: s('keyword.other.match') },
            3: { name: s('keyword.other.match') },
            4: { name: s('keyword.operator.negation keyword.other.negation') },
            5: { name: s('constant.language.addrtype') },
          },
        },
        {
          match: r`\b(match-set)\s+(!\s*)?(\S+)\s+((?:src|dst)(?:,(?:src|dst))*)\b`,
          captures: {
            1: { name: s('keyword.other.match') },
            2: { name: s('keyword.operator.negation keyword.other.negation') },
            3: { name: s('entity.name.type.ipset') },
            4: { name: s('constant.language.set-flags') },
          },
        },
        {
          match: r`\b(policy)\s+(match)\s+(dir)\s+(in|out)(?:\s+(pol)\s+(none|ipsec))?`,
          captures: {
            1: { name: s('entity.name.type.module') },
            2: { name: s('keyword.other.match') },
            3: { name: s('keyword.other.match') },
            4: { name: s('constant.language.value') },
            5: { name: s('keyword.other.match') },
            6: { name: s('constant.language.value') },
          },
        },
        {
          match: r`\b(ipvs)(?:\s+(vaddr|vport|vdir|vmethod|vportctl))?\b`,
          captures: { 1: { name: s('entity.name.type.module') }, 2: { name: s('keyword.other.match') } },
        },
        {
          match: r`\b(reject-with)\s+(\S+)`,
          captures: { 1: { name: s('keyword.other.target-option') }, 2: { name: s('constant.language.value') } },
        },
        {
          match: r`(?<![\w-])(tcp|udp|udplite|sctp|dccp|icmp|icmpv6|esp|ah)(?=\s)`,
          name: s('entity.name.type.module'),
        },
        { match: r`(?<![\w-])(LOG|NFLOG|NFQUEUE|TRACE)(?![\w-])`, name: s('support.function.target') },
        { match: r`\b(flags|level|prefix|limit|avg|burst|type|code|TOS|set|match|length|ttl|owner|UID|GID)\b`, name: s('keyword.other.match') },
        ], r`(?<!\w)`),
        alternation(STRING),
        C.negation,
        alternation(C.ipv4.patterns, r`(?<![\w.])`),
        alternation(C.ipv6.patterns),
        C.hex,
        C.number,
      ],
    },
    string: { patterns: STRING },
  });
}

// ---- ipvsadm -ln ---------------------------------------------------------------------------------------------
function ipvsadm() {
  const L = 'ipvsadm';
  const s = (n) => sc(n, L);
  const server = {
    patterns: [
      { include: '#addresses' },
      {
        comment: 'name-resolved (possibly cut) real server: redis.1.m911y2nt3wy0qo5x8i9p, e89fbe75fb1a.vote:0',
        match: r`([A-Za-z0-9][\w.-]*)(?:(:)(\d+|[a-z][\w-]*))?`,
        name: s('meta.hostname-port'),
        captures: {
          1: { name: s('string.unquoted.hostname') },
          2: { name: s('punctuation.separator.port') },
          3: { name: s('constant.numeric.port') },
        },
      },
    ],
  };
  return grammar('ipvsadm', 'ipvsadm -ln', [
    { include: '#comment-line' },
    { include: '#error' },
    { include: '#banner' },
    { include: '#column-header' },
    { include: '#service' },
    { include: '#real-server' },
    { include: '#rest' },
  ], {
    banner: {
      match: r`^(IP Virtual Server)\s+(version)\s+(\d+(?:\.\d+)*)(?:\s+(\()(size)(=)(\d+)(\)))?`,
      name: s('meta.banner'),
      captures: {
        1: { name: s('keyword.other.banner') },
        2: { name: s('keyword.other.banner') },
        3: { name: s('constant.numeric.version') },
        4: { name: s('punctuation.definition.begin') },
        5: { name: s('keyword.other.banner') },
        6: { name: s('punctuation.separator.key-value') },
        7: { name: s('constant.numeric.size') },
        8: { name: s('punctuation.definition.end') },
      },
    },
    'column-header': {
      patterns: [
        { match: r`^\s*Prot\s+LocalAddress:Port\b.*$`, name: s('keyword.other.column-header') },
        {
          match: r`^\s*(->)\s+(RemoteAddress:Port\b.*)$`,
          captures: { 1: { name: s('punctuation.definition.real-server') }, 2: { name: s('keyword.other.column-header') } },
        },
      ],
    },
    service: {
      patterns: [
        {
          comment: 'FWM 256 rr  (firewall-mark service, the Swarm VIP/ingress form)',
          match: r`^(FWM)\s+(\d+)(?:\s+(IPv6))?(?:\s+([a-z]+)(?=\s|$))?(.*)$`,
          name: s('meta.service'),
          captures: {
            1: { name: s('keyword.control.service.fwm') },
            2: { name: s('constant.numeric.fwmark') },
            3: { name: s('keyword.other.family') },
            4: { name: s('support.function.scheduler') },
            5: { patterns: [{ include: '#rest' }] },
          },
        },
        {
          comment: 'TCP  10.0.0.5:80 rr',
          match: r`^(TCP|UDP|SCTP)\s+(\S+)(?:\s+([a-z]+)(?=\s|$))?(.*)$`,
          name: s('meta.service'),
          captures: {
            1: { name: s('keyword.control.service.protocol') },
            2: server,
            3: { name: s('support.function.scheduler') },
            4: { patterns: [{ include: '#rest' }] },
          },
        },
      ],
    },
    'real-server': {
      comment: '  -> 10.0.0.7:0  Masq 1 0 0',
      match: r`^\s+(->)\s+(\S+)(?:\s+(Masq|Route|Tunnel|Local|FullNat|Bypass|Tun|Dr)(?=\s|$))?(.*)$`,
      name: s('meta.real-server'),
      captures: {
        1: { name: s('punctuation.definition.real-server') },
        2: server,
        3: { name: s('constant.language.forward-method') },
        4: { patterns: [{ include: '#rest' }] },
      },
    },
    error: {
      match: r`^(?:Can't initialize ipvs:.*|Are you sure that IP Virtual Server is built.*|ipvsadm: command not found.*|Memory allocation problem.*)$`,
      name: s('invalid.illegal.error'),
    },
    rest: {
      patterns: [
        { match: r`\b(persistent|mask|ops|pe|timeout|synproxy|one-packet)\b`, name: s('keyword.other.flag') },
        { match: r`(?<![\w.])(\d+(?:\.\d+)?)([KMGT]?)(?![\w.])`, captures: { 1: { name: s('constant.numeric.integer') }, 2: { name: s('constant.numeric.integer keyword.other.unit.suffix') } } },
        { include: '#addresses' },
        { include: '#hex' },
      ],
    },
  });
}

// ---- bridge fdb show -------------------------------------------------------------------------------------------
function bridgeFdb() {
  const L = 'bridge-fdb';
  const s = (n) => sc(n, L);
  return grammar('bridge-fdb', 'bridge fdb show', [
    { include: '#comment-line' },
    { include: '#entry' },
  ], {
    entry: {
      patterns: [
        { include: '#mac' },
        {
          match: r`\b(dev|master|via)\s+(\S+)`,
          captures: { 1: { name: s('keyword.other.attribute') }, 2: { name: s('entity.name.tag.interface') } },
        },
        {
          comment: 'dst <vtep>: the remote VXLAN endpoint',
          match: r`\b(dst)\s+(?:(${IPV4})|(${IPV6}))(?![\w:.])`,
          name: s('meta.vtep'),
          captures: {
            1: { name: s('keyword.other.attribute') },
            2: { name: s('constant.other.address.ipv4 constant.numeric.address.ipv4') },
            3: { name: s('constant.other.address.ipv6 constant.numeric.address.ipv6') },
          },
        },
        {
          match: r`\b(vlan|vni|src_vni|port|link-netnsid|nhid|used|updated|ifindex)\s+(\d+)(?:(/)(\d+))?\b`,
          captures: {
            1: { name: s('keyword.other.attribute') },
            2: { name: s('constant.numeric.integer') },
            3: { name: s('punctuation.separator') },
            4: { name: s('constant.numeric.integer') },
          },
        },
        { match: r`\b(self|master|permanent|static|dynamic|router|use|extern_learn|offload|sticky|local|activity_notify|inactive)\b`, name: s('storage.modifier.flag') },
        { include: '#addresses' },
        { include: '#number' },
      ],
    },
  });
}

// ---- ip link / ip -d link / ip addr / ip route / ip neigh -----------------------------------------------------------
function iproute() {
  const L = 'iproute';
  const s = (n) => sc(n, L);
  const LINK_KINDS = 'veth|vxlan|bridge_slave|bridge|ifb|macvlan|macvtap|ipvlan|dummy|bond_slave|bond|vlan|tun|tap|ipip|gretap|gre|ip6gre|ip6tnl|sit|vti|wireguard|geneve|openvswitch|team_slave|team|vrf|nlmon|xfrm|can|ipoib|hsr|macsec';
  return grammar('iproute', 'ip link / ip addr / ip route / ip neigh', [
    { include: '#comment-line' },
    { include: '#link-header' },
    { include: '#oneline-header' },
    { include: '#netns' },
    { include: '#inet' },
    { include: '#details' },
  ], {
    'link-header': {
      comment: '12: vxlan0@if12: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 ...',
      match: r`^(\d+)(:)\s+([^\s:@]+)(?:(@)(?:(if)(\d+)|([^\s:]+)))?(:)(?:\s+(<)([^>]*)(>))?(.*)$`,
      name: s('meta.link-header'),
      captures: {
        1: { name: s('constant.numeric.ifindex') },
        2: { name: s('punctuation.separator') },
        3: { name: s('entity.name.type.interface') },
        4: { name: s('punctuation.separator.peer') },
        5: { name: s('keyword.other.peer') },
        6: { name: s('constant.numeric.ifindex.peer') },
        7: { name: s('entity.name.tag.interface.peer') },
        8: { name: s('punctuation.separator') },
        9: { name: s('punctuation.definition.flags.begin') },
        10: { patterns: [{ match: r`[\w-]+`, name: s('constant.language.flag') }, { match: ',', name: s('punctuation.separator.list') }] },
        11: { name: s('punctuation.definition.flags.end') },
        12: { patterns: [{ include: '#details' }] },
      },
    },
    'oneline-header': {
      comment: '`ip -o addr`: 2: eth0    inet 10.0.0.2/24 ... \\       valid_lft ...',
      match: r`^(\d+)(:)\s+([^\s:@]+)(?=\s+inet6?\s)`,
      captures: {
        1: { name: s('constant.numeric.ifindex') },
        2: { name: s('punctuation.separator') },
        3: { name: s('entity.name.type.interface') },
      },
    },
    netns: {
      comment: '`ip netns` list: 1-3e0ykh53lm (id: 2)',
      match: r`^([A-Za-z0-9_][\w.-]*)(?:\s+(\()(id)(:)\s*(\d+)(\)))?\s*$`,
      captures: {
        1: { name: s('entity.name.namespace') },
        2: { name: s('punctuation.definition.begin') },
        3: { name: s('keyword.other.attribute') },
        4: { name: s('punctuation.separator.key-value') },
        5: { name: s('constant.numeric.netnsid') },
        6: { name: s('punctuation.definition.end') },
      },
    },
    inet: {
      comment: '    inet 10.0.0.2/24 brd 10.0.0.255 scope global eth0',
      match: r`^\s+(inet6?)\s+(\S+)(?:\s+(peer)\s+(\S+))?(?:\s+(brd)\s+(\S+))?(?:\s+(scope)\s+(\S+))?((?:\s+(?:secondary|dynamic|noprefixroute|deprecated|tentative|mngtmpaddr|home|nodad|temporary|optimistic|dadfailed|stable-privacy|permanent))*)(?:\s+(\S+))?\s*$`,
      name: s('meta.address'),
      captures: {
        1: { name: s('keyword.other.family') },
        2: { patterns: [{ include: '#addresses' }] },
        3: { name: s('keyword.other.attribute') },
        4: { patterns: [{ include: '#addresses' }] },
        5: { name: s('keyword.other.attribute') },
        6: { patterns: [{ include: '#addresses' }] },
        7: { name: s('keyword.other.attribute') },
        8: { name: s('constant.language.scope') },
        9: { patterns: [{ match: r`\S+`, name: s('storage.modifier.flag') }] },
        10: { name: s('entity.name.tag.interface.label') },
      },
    },
    details: {
      patterns: [
        {
          match: r`^\s+(vxlan)\s+(id)\s+(\d+)`,
          captures: { 1: { name: s('storage.type.link-kind') }, 2: { name: s('keyword.other.attribute') }, 3: { name: s('constant.numeric.vni') } },
        },
        { match: r`^\s+(${LINK_KINDS})(?=\s|$)`, captures: { 1: { name: s('storage.type.link-kind') } } },
        {
          match: r`\b(dstport|srcport|port|sport|dport)\s+(\d+)(?:\s+(\d+))?(?![\w.])`,
          captures: { 1: { name: s('keyword.other.attribute') }, 2: { name: s('constant.numeric.port') }, 3: { name: s('constant.numeric.port') } },
        },
        {
          comment: 'attributes whose value is a MAC or a bridge id',
          match: r`(?<![^\s])(bridge_id|designated_root|designated_bridge|group_address|lladdr|brd|permaddr)(?=\s)`,
          name: s('keyword.other.attribute'),
        },
        {
          comment: 'bare flags of ip -d link (vxlan, bridge_slave, addrgenmode...)',
          match: r`(?<![^\s])(proxy|noproxy|l2miss|nol2miss|l3miss|nol3miss|udpcsum|noudpcsum|udp6zerocsumtx|noudp6zerocsumtx|udp6zerocsumrx|noudp6zerocsumrx|learning|nolearning|rsc|norsc|external|noexternal|gbp|gpe|remcsumtx|noremcsumtx|remcsumrx|noremcsumrx|localbypass|nolocalbypass|vnifilter)(?=\s|$)`,
          name: s('storage.modifier.flag'),
        },
        {
          match: r`(?<![^\s])(link/[\w]+)(?=\s|$)`,
          captures: { 1: { name: s('keyword.other.link-type') } },
        },
        {
          comment: 'route types at the start of an `ip route` line',
          match: r`^(default|unreachable|blackhole|prohibit|local|broadcast|multicast|throw|nat|anycast)(?=\s)`,
          name: s('constant.language.route-type'),
        },
        {
          match: r`\b(dev|master|via\s+dev|oif|iif)\s+([^\s]+)`,
          captures: { 1: { name: s('keyword.other.attribute') }, 2: { name: s('entity.name.tag.interface') } },
        },
        {
          match: r`\b(link-netns)\s+(\S+)`,
          captures: { 1: { name: s('keyword.other.attribute') }, 2: { name: s('string.unquoted.netns') } },
        },
        {
          match: r`\b(state)\s+([A-Za-z_]+)\b`,
          captures: { 1: { name: s('keyword.other.attribute') }, 2: { name: s('constant.language.state') } },
        },
        {
          match: r`\b(qdisc|mode|group|addrgenmode|proto|scope|ttl|type|pref|parentbus|parentdev|hairpin|guard|root_block|fastleave|learning|flood|proxy_arp|proxy_arp_wifi|mcast_fast_leave|mcast_flood|bcast_flood|mcast_to_unicast|neigh_suppress|vlan_tunnel|isolated|locked|mcast_router)\s+([A-Za-z][\w.-]*)(?=\s|$)`,
          captures: { 1: { name: s('keyword.other.attribute') }, 2: { name: s('constant.language.value') } },
        },
        {
          match: r`\b(valid_lft|preferred_lft)\s+(?:(forever)|(\d+)(sec)?)`,
          captures: {
            1: { name: s('keyword.other.attribute') },
            2: { name: s('constant.language.value') },
            3: { name: s('constant.numeric.integer') },
            4: { name: s('keyword.other.unit') },
          },
        },
        { match: r`(?<![^\s])(inet6?)(?=\s)`, name: s('keyword.other.family') },
        { match: r`(?<=\s)\\(?=\s|$)`, name: s('punctuation.separator.line') },
        {
          comment: '`ip -o addr`: the address label glued to the line separator, `scope global eth0\\`',
          match: r`(?<=\s)([\w.@:-]+)(\\)(?=\s|$)`,
          captures: { 1: { name: s('entity.name.tag.interface.label') }, 2: { name: s('punctuation.separator.line') } },
        },
        {
          match: r`\b(lladdr|brd|via|src|peer|address)\b`,
          name: s('keyword.other.attribute'),
        },
        {
          match: r`\b(REACHABLE|STALE|DELAY|PROBE|FAILED|PERMANENT|NOARP|INCOMPLETE|NONE)\b`,
          name: s('constant.language.nud-state'),
        },
        {
          match: r`(?<![^\s])(linkdown|onlink|pervasive|offload|dead|router|proxy|externally_learned|promisc|noprefixroute|secondary|dynamic|deprecated|tentative|mngtmpaddr|home|nodad|temporary|optimistic|dadfailed|stable-privacy)(?=\s|$)`,
          name: s('storage.modifier.flag'),
        },
        {
          comment: 'bridge id / designated root: 8000.2:42:5c:f8:eb:dc',
          match: r`(?<![\w.:])(${H}{4})(\.)(${H}{1,2}(?::${H}{1,2}){5})(?![\w:])`,
          name: s('constant.other.bridge-id constant.numeric.bridge-id'),
          captures: { 1: { name: s('constant.numeric.priority') }, 2: { name: s('punctuation.separator') } },
        },
        { include: '#mac' },
        { include: '#addresses' },
        { include: '#hex' },
        {
          comment: 'generic `key value` pairs of ip -d link: mtu 1450, promiscuity 1, gso_max_size 65536, srcport 0 0',
          match: r`(?<![^\s])([a-z][\w-]*)\s+(?:(0x${H}+)|(\d+(?:\.\d+)?))(?![\w.:/])`,
          captures: {
            1: { name: s('keyword.other.attribute') },
            2: { name: s('constant.numeric.hex') },
            3: { name: s('constant.numeric.integer') },
          },
        },
        { match: r`(?<![^\s])(on|off)(?=\s|$)`, name: s('constant.language.boolean') },
        { include: '#number' },
      ],
    },
  });
}

// ---- speed: one scope per capture ----------------------------------------------------------------------------
/** [open, close] indices of the capturing groups of a regex, in group-number order. */
function groupSpans(re) {
  const spans = [];
  const open = [];
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') {
      if (re[i + 1] === '?') open.push(-1);
      else {
        spans.push([i, -1]);
        open.push(spans.length - 1);
      }
    } else if (c === ')') {
      const k = open.pop();
      if (k !== undefined && k >= 0) spans[k][1] = i;
    }
  }
  return spans;
}

/**
 * vscode-textmate pushes a name of several scopes ("constant.other.address constant.numeric.address") by splitting
 * it on every match (fresh strings, hashed again in its scope and theme caches): a nested group per scope gives the
 * same tokens with the same scopes for less work. A rule name of several scopes keeps its first scope and wraps the
 * match in groups for the others. Captures with sub-patterns keep their name. No grammar uses back-references, so
 * renumbering groups is safe (checked here).
 */
function nestScopes(rule) {
  if (/\\[1-9]|\\k</.test(rule.match)) throw new Error(`back-reference in ${rule.match}`);
  let re = rule.match;
  let caps = rule.captures ?? {};
  if (rule.name && rule.name.includes(' ')) {
    const [first, ...rest] = rule.name.split(' ');
    re = `${'('.repeat(rest.length)}${re}${')'.repeat(rest.length)}`;
    const shifted = {};
    rest.forEach((n, j) => (shifted[j + 1] = { name: n }));
    for (const [k, v] of Object.entries(caps)) shifted[Number(k) + rest.length] = v;
    caps = shifted;
    rule.name = first;
  }
  for (;;) {
    const multi = Object.entries(caps).filter(([k, v]) => Number(k) > 0 && v.name?.includes(' ') && !v.patterns).map(([k]) => Number(k));
    if (multi.length === 0) break;
    const n = Math.min(...multi);
    const parts = caps[n].name.split(' ');
    const extra = parts.length - 1;
    const [o, c] = groupSpans(re)[n - 1];
    re = `${re.slice(0, o)}${'('.repeat(extra)}${re.slice(o, c + 1)}${')'.repeat(extra)}${re.slice(c + 1)}`;
    const next = {};
    for (const [k, v] of Object.entries(caps)) {
      const i = Number(k);
      if (i < n) next[i] = v;
      else if (i > n) next[i + extra] = v;
    }
    parts.forEach((p, j) => (next[n + j] = j === extra ? { ...caps[n], name: p } : { name: p }));
    caps = next;
  }
  rule.match = re;
  if (Object.keys(caps).length) rule.captures = caps;
}

/**
 * Oniguruma's \d \w \s \b are Unicode classes: a regex starting with one (or a look-behind on one) gets no
 * first-byte map, so the scanner tries it at every position of the line, and each test is a Unicode table lookup
 * (\d+ alone: ~5 µs on a 90-character line without digits, [0-9]+: ~0.1 µs). The outputs we colour are ASCII, so
 * every regex starts with Oniguruma's (?WDS) option: ASCII-only word, digit and space classes and word boundaries.
 */
const ASCII = '(?WDS)';

/** Applies nestScopes and the ASCII option to every match rule of a grammar (patterns, repository, captures). */
function optimise(node) {
  if (RAW) return node;
  if (Array.isArray(node)) node.forEach(optimise);
  else if (node && typeof node === 'object') {
    if (typeof node.match === 'string') {
      nestScopes(node);
      node.match = `${ASCII}${node.match}`;
    }
    for (const v of Object.values(node)) optimise(v);
  }
  return node;
}

const grammars = {
  'iptables.tmLanguage.json': optimise(iptables()),
  'iptables-list.tmLanguage.json': optimise(iptablesList()),
  'ipvsadm.tmLanguage.json': optimise(ipvsadm()),
  'bridge-fdb.tmLanguage.json': optimise(bridgeFdb()),
  'iproute.tmLanguage.json': optimise(iproute()),
};

const check = process.argv.includes('--check');
let stale = 0;
for (const [file, g] of Object.entries(grammars)) {
  const text = `${JSON.stringify(g, null, 2)}\n`;
  const path = join(OUT, file);
  if (check) {
    let old = '';
    try {
      old = readFileSync(path, 'utf8');
    } catch {
      old = '';
    }
    if (old !== text) {
      console.error(`${path} is not what generate-grammars.mjs produces: run node test/grammar/generate-grammars.mjs`);
      stale++;
    }
  } else {
    writeFileSync(path, text);
    console.log(`wrote ${path}`);
  }
}
process.exit(stale ? 1 : 0);
