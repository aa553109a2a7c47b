/** The shape Source, SourceFromLast and ClientIP share: a set of networks tested against one address. */
import type { PredicateSpec, RoutingRequest } from '../routing/types.ts';
import { stringArgs } from './args.ts';
import { clientAddress } from '../net/index.ts';
import { IPSet, parseIP, type IPAddr } from './ip-set.ts';

/** A spec matching when `addressOf(req)` is in one of the networks given as arguments. */
export function addressSpec(name: string, addressOf: (req: RoutingRequest) => IPAddr | null): PredicateSpec {
  return {
    name,
    create(args) {
      const set = new IPSet(name, stringArgs(name, args));
      return { match: (req: RoutingRequest) => set.has(addressOf(req)) };
    },
  };
}

/** The peer address of the connection. */
export function peerAddr(req: RoutingRequest): IPAddr | null {
  return parseIP(clientAddress(req.remoteAddress, undefined, 'peer'));
}
