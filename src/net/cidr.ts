/** CIDR lists as Go's net.ParseCIDR reads them (-forwarded-headers-exclude-cidrs, IP predicates' networks). */
import { BlockList, isIP } from 'node:net';

/**
 * Parses CIDRs (`10.0.0.0/8`, `2001:db8::/32`) into a BlockList; throws an Error naming the first bad one.
 * A bare address is not a CIDR, as for Go's net.ParseCIDR.
 */
export function parseCidrs(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const c of cidrs) {
    const slash = c.indexOf('/');
    const addr = slash === -1 ? '' : c.slice(0, slash);
    const family = isIP(addr);
    const bits = slash === -1 ? '' : c.slice(slash + 1);
    const prefix = /^\d{1,3}$/.test(bits) ? Number(bits) : -1;
    if (family === 0 || prefix < 0 || prefix > (family === 4 ? 32 : 128)) throw new Error(`invalid CIDR address: ${c}`);
    list.addSubnet(addr, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}
