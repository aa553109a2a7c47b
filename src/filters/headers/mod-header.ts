/**
 * modRequestHeader(name, expr, replacement) / modResponseHeader: replace every match of an expression
 * in a header's (first) value, with Go's `$1` / `${name}` replacement syntax. A header that is absent
 * stays absent, except the request Host, which is always rewritten and also becomes the outgoing Host.
 */
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount, goReplacement, headerNameArg, regexpArg, stringArg } from '../args.ts';
import { getFirst } from '../../net/index.ts';

function modSpec(name: string, phase: 'request' | 'response'): FilterSpec {
  return {
    name,
    create(args: Arg[]): FilterInstance {
      argCount(name, args, 3);
      const header = headerNameArg(name, args, 0);
      const rx = regexpArg(name, args, 1, true);
      const replace = goReplacement(stringArg(name, args, 2, 'replacement'));
      if (phase === 'response') {
        return {
          name,
          response(ctx: FilterContext): void {
            const bag = ctx.response!.headers;
            if (bag[header] === undefined) return;
            bag[header] = getFirst(bag, header).replace(rx, replace);
          },
        };
      }
      if (header === 'host') {
        return {
          name,
          request(ctx: FilterContext): void {
            const bag = ctx.request.headers;
            const current = getFirst(bag, 'host') || ctx.original.host;
            const next = current.replace(rx, replace);
            bag['host'] = next;
            ctx.outgoingHost = next;
          },
        };
      }
      return {
        name,
        request(ctx: FilterContext): void {
          const bag = ctx.request.headers;
          if (bag[header] === undefined) return;
          bag[header] = getFirst(bag, header).replace(rx, replace);
        },
      };
    },
  };
}

export const modRequestHeader = modSpec('modRequestHeader', 'request');
export const modResponseHeader = modSpec('modResponseHeader', 'response');
