/**
 * xforward() appends the client address to X-Forwarded-For and sets X-Forwarded-Host to the incoming
 * Host; xforwardFirst() prepends the address instead, for load balancers that read the first entry.
 */
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount } from '../args.ts';
import { getFirst, normalizeIP } from '../../net/index.ts';

function xforwardSpec(name: string, prepend: boolean): FilterSpec {
  return {
    name,
    create(args: Arg[]): FilterInstance {
      argCount(name, args, 0);
      return {
        name,
        request(ctx: FilterContext): void {
          const h = ctx.request.headers;
          const addr = normalizeIP(ctx.original.remoteAddress);
          if (addr !== '') {
            const xff = getFirst(h, 'x-forwarded-for');
            h['x-forwarded-for'] = xff === '' ? addr : prepend ? `${addr}, ${xff}` : `${xff}, ${addr}`;
          }
          h['x-forwarded-host'] = ctx.original.host;
        },
      };
    },
  };
}

export const xforward = xforwardSpec('xforward', false);
export const xforwardFirst = xforwardSpec('xforwardFirst', true);
