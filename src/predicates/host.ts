/**
 * Host(/re/): the Host header as received (port included) matches the RE2 expression. Literal hostname
 * patterns are matched without a RegExp and expose their hostnames so the route table can index them.
 */
import type { PredicateSpec, RoutingRequest } from '../routing/types.ts';
import { expectCount, stringArg } from './args.ts';
import { hostKey, hostLiterals, matchLiterals } from './host-pattern.ts';
import { compileRegexp } from '../regexp/index.ts';
import { shared } from './memo.ts';

export const hostSpec: PredicateSpec = {
  name: 'Host',
  create: shared((args) => {
    expectCount('Host', args, 1);
    const pattern = stringArg('Host', args, 0);
    const lits = hostLiterals(pattern);
    if (lits !== null) {
      // Kubernetes' `^(name[.]?(:[0-9]+)?)$` accepts exactly the hosts whose index key is the name; `^name$` exactly the name.
      const hostMatch = lits.every((l) => l.dot && l.port) ? 'key' as const : lits.every((l) => !l.dot && !l.port) ? 'exact' as const : undefined;
      const match = (req: RoutingRequest) => matchLiterals(lits, req.host);
      return hostMatch === undefined ? { match, hostKeys: lits.map((l) => l.host) } : { match, hostKeys: lits.map((l) => l.host), hostMatch };
    }
    const rx = compileRegexp('Host', pattern);
    return { match: (req: RoutingRequest) => rx.test(req.host) };
  }),
};

export { hostKey };
