/**
 * copyRequestHeader(from, to) / copyResponseHeader(from, to): set header `to` to the first value of
 * header `from` when that is not empty. Copying into the request Host also sets the outgoing Host.
 */
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount, headerNameArg } from '../args.ts';
import { getFirst } from '../../net/index.ts';

function copySpec(name: string, phase: 'request' | 'response'): FilterSpec {
  return {
    name,
    create(args: Arg[]): FilterInstance {
      argCount(name, args, 2);
      const from = headerNameArg(name, args, 0, 'source header name');
      const to = headerNameArg(name, args, 1, 'target header name');
      if (phase === 'response') {
        return {
          name,
          response(ctx: FilterContext): void {
            const bag = ctx.response!.headers;
            const v = getFirst(bag, from);
            if (v !== '') bag[to] = v;
          },
        };
      }
      const toHost = to === 'host';
      return {
        name,
        request(ctx: FilterContext): void {
          const bag = ctx.request.headers;
          const v = getFirst(bag, from);
          if (v === '') return;
          bag[to] = v;
          if (toHost) ctx.outgoingHost = v;
        },
      };
    },
  };
}

export const copyRequestHeader = copySpec('copyRequestHeader', 'request');
export const copyResponseHeader = copySpec('copyResponseHeader', 'response');
