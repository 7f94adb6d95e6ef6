/**
 * The address and port validators scan characters in place (they run on every rule of a 5,000-rule file). Their
 * definitions are regular expressions and splits: this test keeps those definitions as reference oracles and
 * checks that the scanners agree with them on 200,000 seeded random inputs built from the tricky pieces
 * (leading zeros, 255/256, open ranges, service names, masks, "$" variables, non-ASCII letters).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { prng } from '../prng';
import { isIPv4, normalizeAddress, validateAddress, validatePort, validatePorts } from '../../src/core/iptables/spec';
import { iptablesIpv4 } from '../../src/core/net/ipv4';
import { parseCidr, parsePorts } from '../../src/core/lint/net';

// ------------------------------------------------------------------ reference definitions (regexes and splits)
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const refIPv4 = (s: string): boolean => IPV4.test(s);
function refMaskToPrefix(mask: string): number | undefined {
  if (!IPV4.test(mask)) return undefined;
  let bits = 0;
  let seenZero = false;
  for (const part of mask.split('.')) {
    const n = Number(part);
    for (let b = 7; b >= 0; b--) {
      const one = (n >> b) & 1;
      if (one && seenZero) return undefined;
      if (one) bits++;
      else seenZero = true;
    }
  }
  return bits;
}
function refValidateAddress(v: string): string | undefined {
  if (v.includes('$')) return undefined;
  if (v.includes(':')) return /^[0-9A-Fa-f:.]+(\/\d{1,3})?$/.test(v) ? undefined : `"${v}" is not a valid address`;
  const slash = v.indexOf('/');
  const ip = slash < 0 ? v : v.slice(0, slash);
  // iptables also takes what its own parser (inet_aton-like: 1.2.3, 0x19, 000.000.00.000) reads: net/ipv4's iptablesIpv4, judged by the kernel in its own tests
  if (!IPV4.test(ip) && iptablesIpv4(ip) === undefined) {
    if (slash < 0 && /^[A-Za-z][A-Za-z0-9.-]*$/.test(ip) && /[A-Za-z]/.test(ip)) return undefined;
    return `"${v}" is not a valid IPv4 address or CIDR`;
  }
  if (slash >= 0) {
    const p = v.slice(slash + 1);
    if (/^\d{1,2}$/.test(p)) {
      if (Number(p) > 32) return `prefix length /${p} is larger than 32`;
    } else if (!IPV4.test(p)) return `"${p}" is not a valid prefix length or netmask`; // iptables 1.8.9 takes any mask (10.0.0.0/255.0.255.0)
  }
  return undefined;
}
function refNormalizeAddress(v: string): string {
  if (IPV4.test(v)) return `${v}/32`;
  const slash = v.indexOf('/');
  if (slash > 0 && IPV4.test(v.slice(0, slash))) {
    const p = v.slice(slash + 1);
    if (!/^\d+$/.test(p)) {
      const pre = refMaskToPrefix(p);
      if (pre !== undefined) return `${v.slice(0, slash)}/${pre}`;
    }
  }
  return v;
}
// (service names are looked up as written: `HTTP` and `Ssh` are refused by iptables 1.8.9, kernel-checked)
const refPortPart = (p: string): boolean => (/^\d+$/.test(p) ? Number(p) <= 65535 : /^[a-z][a-z0-9-]*$/.test(p));
function refValidatePort(v: string): string | undefined {
  if (v.includes('$')) return undefined;
  const parts = v.split(':');
  if (parts.length > 2) return `"${v}" is not a valid port or port range`;
  for (const p of parts) {
    if (p === '' && parts.length === 2) continue;
    if (!refPortPart(p)) return `"${v}" is not a valid port or port range (0-65535)`;
  }
  if (parts.length === 2 && /^\d+$/.test(parts[0]) && /^\d+$/.test(parts[1]) && Number(parts[0]) > Number(parts[1])) return `port range "${v}" is inverted`;
  return undefined;
}
function refValidatePorts(v: string): string | undefined {
  if (v.includes('$')) return undefined;
  const list = v.split(',');
  if (list.some((p) => p === '')) return `"${v}" has an empty element`;
  if (list.length > 15) return `multiport accepts at most 15 ports ("${v}" has ${list.length})`;
  for (const p of list) {
    const e = refValidatePort(p);
    if (e) return e;
  }
  return undefined;
}
function refParseCidr(text: string): [number, number, number] | undefined {
  const slash = text.indexOf('/');
  const ip = slash < 0 ? text : text.slice(0, slash);
  if (!IPV4.test(ip)) return undefined;
  let prefix = 32;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (/^\d{1,2}$/.test(p)) prefix = Number(p);
    else {
      const b = refMaskToPrefix(p);
      // a netmask must be contiguous ones (refMaskToPrefix) for parseCidr too
      if (b === undefined) return undefined;
      prefix = b;
    }
    if (prefix > 32) return undefined;
  }
  const n = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - prefix);
  const lo = Math.floor(n / size) * size;
  return [lo, lo + size - 1, prefix];
}
function refParsePorts(v: string): [number, number][] | undefined {
  const out: [number, number][] = [];
  for (const part of v.split(',')) {
    const m = /^(\d*)(?::(\d*))?$/.exec(part);
    if (!m || (m[1] === '' && m[2] === undefined)) return undefined;
    const lo = m[1] === '' ? 0 : Number(m[1]);
    const hi = m[2] === undefined ? lo : m[2] === '' ? 65535 : Number(m[2]);
    // iptables refuses ports above 65535 and inverted ranges ("invalid portrange (min > max)")
    if (hi > 65535 || lo > hi) return undefined;
    out.push([lo, hi]);
  }
  return out;
}

const PIECES = ['0', '1', '2', '5', '9', '00', '25', '255', '256', '199', '249', '250', '010', '.', '.', ':', ',', '/', '/', '-', 'a', 'Z', 'ssh', 'http', '$', ' ', '', '32', '33', '24', '255.255.255.0', '255.0.255.0', '255.255.254.0', '65535', '65536', '1000', '99999999999999999999', '\u017f', '\u212a', '\n', '!', 'x-y', '0x1', '10.0.0.1', '::1'];

function inputs(n: number, seed: number): string[] {
  const r = prng(seed);
  const k = (m: number): number => Math.floor(r() * m);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    if (k(3) === 0) out.push(`${k(300)}.${k(300)}.${k(300)}.${k(300)}${k(2) ? `/${k(40)}` : ''}`);
    else {
      let s = '';
      for (let j = 1 + k(7); j > 0; j--) s += PIECES[k(PIECES.length)];
      out.push(s);
    }
  }
  return out;
}

describe('validators agree with their regular-expression definitions', () => {
  const xs = inputs(200_000, 0x5eed);
  const pairs: [string, (s: string) => unknown, (s: string) => unknown][] = [
    ['isIPv4', isIPv4, refIPv4],
    ['validateAddress', validateAddress, refValidateAddress],
    ['normalizeAddress', normalizeAddress, refNormalizeAddress],
    ['validatePort', validatePort, refValidatePort],
    ['validatePorts', validatePorts, refValidatePorts],
    ['parseCidr', (s) => { const c = parseCidr(s); return c && [c.lo, c.hi, c.prefix]; }, refParseCidr],
    ['parsePorts', parsePorts, refParsePorts],
  ];
  for (const [name, fast, ref] of pairs) {
    it(`${name}: same result on 200,000 seeded inputs`, () => {
      let valid = 0;
      for (const s of xs) {
        const got = fast(s);
        assert.deepEqual(got, ref(s), `${name}(${JSON.stringify(s)})`);
        if (got !== undefined && got !== false && got !== s) valid++;
      }
      // the inputs exercise both outcomes (accepted/rejected, changed/unchanged)
      assert.ok(valid > 1000 && valid < xs.length - 1000, `${name}: ${valid} of ${xs.length} accepted`);
    });
  }
  it('edge cases', () => {
    assert.equal(isIPv4('0.0.0.0'), true);
    assert.equal(isIPv4('255.255.255.255'), true);
    assert.equal(isIPv4('01.0.0.0'), false);
    assert.equal(isIPv4('1.2.3'), false);
    assert.equal(isIPv4('1.2.3.4.5'), false);
    assert.equal(validatePort('1024:'), undefined);
    assert.equal(validatePort(':1024'), undefined);
    assert.equal(validatePort('2000:1000'), 'port range "2000:1000" is inverted');
    assert.equal(validatePorts('80,,443'), '"80,,443" has an empty element');
    assert.deepEqual(parsePorts(':1024,8080'), [[0, 1024], [8080, 8080]]);
    assert.deepEqual(parseCidr('10.1.2.3/255.255.0.0'), { base: 0x0a010000, mask: 0xffff0000, lo: 0x0a010000, hi: 0x0a01ffff, prefix: 16, text: '10.1.2.3/255.255.0.0' });
  });
});
