/**
 * Who "the same client" is for clientRatelimit and clusterClientRatelimit, as Skipper's Lookupers decide:
 * the X-Forwarded-For client (first address, else the peer address), a named header's first value, or
 * several of them joined. An empty identity means the limit does not apply to the request.
 */
import { InvalidArgsError } from '../../errors.ts';
import { clientAddress, getFirst, normalizeIP } from '../../net/index.ts';
import type { FilterContext } from '../types.ts';

/** Reads a request's client identity; `description` is part of the limiter's settings key. */
export interface Identity {
  readonly description: string;
  read(ctx: FilterContext): string;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export const xffIdentity: Identity = { description: 'xff', read: (ctx) => normalizeIP(clientAddress(ctx.original.remoteAddress, ctx.request.headers['x-forwarded-for'], 'first')) };

function headerIdentity(filter: string, name: string): Identity {
  if (!TOKEN.test(name)) throw new InvalidArgsError(`${filter}: invalid header name ${JSON.stringify(name)}`);
  const lower = name.toLowerCase();
  return { description: `header:${lower}`, read: (ctx) => getFirst(ctx.request.headers, lower) };
}

/** Skipper's getLookuper: X-Forwarded-For means the client address, any other name that header. */
function lookuper(filter: string, name: string): Identity {
  return name.toLowerCase() === 'x-forwarded-for' ? xffIdentity : headerIdentity(filter, name);
}

/**
 * The identity named by a filter's optional argument. A comma-separated list joins the values of each
 * (`"X-Forwarded-For,Authorization"`). A single name is that header — except that clusterClientRatelimit
 * (`singleXffIsClient`) reads "X-Forwarded-For" as the client address, where clientRatelimit reads the raw
 * header, as Skipper does.
 */
export function identityArg(filter: string, arg: string, singleXffIsClient: boolean): Identity {
  if (!arg.includes(',')) return singleXffIsClient ? lookuper(filter, arg.trim()) : headerIdentity(filter, arg.trim());
  const parts = arg.split(',').map((p) => lookuper(filter, p.trim()));
  return {
    description: `tuple:${parts.map((p) => p.description).join('+')}`,
    read(ctx) {
      let s = '';
      for (const p of parts) s += p.read(ctx);
      return s;
    },
  };
}
