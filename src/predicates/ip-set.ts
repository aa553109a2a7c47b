/**
 * IP addresses and CIDR sets for Source, SourceFromLast and ClientIP, with Go netip's rules: IPv4 and
 * IPv6 are separate families (an IPv4-mapped IPv6 address does not match an IPv4 network), a bare address
 * is a one-address network, and the unspecified address alone is refused.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { InvalidArgsError } from '../errors.ts';

/** A parsed address: family and value (IPv4 as a number, IPv6 as a bigint). */
export type IPAddr = { v6: false; n: number } | { v6: true; n: bigint };

/** Parses an IP address without port; null when invalid. A zone suffix ("%eth0") is ignored. */
export function parseIP(s: string): IPAddr | null {
  if (isIPv4(s)) {
    const p = s.split('.');
    return { v6: false, n: ((+p[0]! << 24) >>> 0) + (+p[1]! << 16) + (+p[2]! << 8) + +p[3]! };
  }
  const pct = s.indexOf('%');
  const a = pct === -1 ? s : s.slice(0, pct);
  if (!isIPv6(a)) return null;
  return { v6: true, n: parseV6(a) };
}

function parseV6(s: string): bigint {
  let text = s;
  const lc = text.lastIndexOf(':');
  const last = text.slice(lc + 1);
  if (last.includes('.')) {
    // An embedded IPv4 address ("::ffff:1.2.3.4") stands for the last two 16-bit groups.
    const p = last.split('.').map(Number);
    text = text.slice(0, lc + 1) + ((p[0]! << 8) | p[1]!).toString(16) + ':' + ((p[2]! << 8) | p[3]!).toString(16);
  }
  const dbl = text.indexOf('::');
  let groups: string[];
  if (dbl === -1) {
    groups = text.split(':');
  } else {
    const h = dbl === 0 ? [] : text.slice(0, dbl).split(':');
    const r = dbl + 2 === text.length ? [] : text.slice(dbl + 2).split(':');
    groups = [...h, ...new Array<string>(8 - h.length - r.length).fill('0'), ...r];
  }
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(parseInt(g, 16));
  return n;
}

interface Net4 { base: number; mask: number }
interface Net6 { base: bigint; mask: bigint }

/** A set of networks that answers membership for parsed addresses. */
export class IPSet {
  readonly #v4: Net4[] = [];
  readonly #v6: Net6[] = [];

  /** Parses "1.2.3.4", "10.0.0.0/8", "::1", "2001:db8::/32"; throws InvalidArgsError naming `what`. */
  constructor(what: string, specs: readonly string[]) {
    for (const spec of specs) {
      const slash = spec.indexOf('/');
      const addr = parseIP(slash === -1 ? spec : spec.slice(0, slash));
      if (addr === null || (slash !== -1 && spec.includes('%'))) throw new InvalidArgsError(`${what}: invalid IP address or network ${JSON.stringify(spec)}`);
      const maxBits = addr.v6 ? 128 : 32;
      let bits = maxBits;
      if (slash !== -1) {
        const b = spec.slice(slash + 1);
        if (!/^(0|[1-9][0-9]{0,2})$/.test(b) || +b > maxBits) throw new InvalidArgsError(`${what}: invalid network prefix length in ${JSON.stringify(spec)}`);
        bits = +b;
      } else if (addr.n === 0 || addr.n === 0n) {
        throw new InvalidArgsError(`${what}: address is unspecified: ${spec}`);
      }
      if (addr.v6) {
        const mask = bits === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - bits)) - 1n);
        this.#v6.push({ base: addr.n & mask, mask });
      } else {
        const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
        this.#v4.push({ base: (addr.n & mask) >>> 0, mask });
      }
    }
  }

  has(a: IPAddr | null): boolean {
    if (a === null) return false;
    if (!a.v6) {
      for (const n of this.#v4) if (((a.n & n.mask) >>> 0) === n.base) return true;
      return false;
    }
    for (const n of this.#v6) if ((a.n & n.mask) === n.base) return true;
    return false;
  }
}
