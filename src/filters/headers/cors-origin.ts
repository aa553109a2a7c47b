/**
 * corsOrigin(origin…): sets Access-Control-Allow-Origin on the response: "*" without arguments, else the
 * request's Origin when it is one of the listed origins (and nothing otherwise).
 */
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { stringArg } from '../args.ts';
import { getFirst } from '../../net/index.ts';

export const corsOrigin: FilterSpec = {
  name: 'corsOrigin',
  create(args: Arg[]): FilterInstance {
    const allowed = new Set(args.map((_, i) => stringArg('corsOrigin', args, i, `origin ${i + 1}`)));
    if (allowed.size === 0) {
      return {
        name: 'corsOrigin',
        response(ctx: FilterContext): void {
          ctx.response!.headers['access-control-allow-origin'] = '*';
        },
      };
    }
    return {
      name: 'corsOrigin',
      response(ctx: FilterContext): void {
        const origin = getFirst(ctx.request.headers, 'origin');
        if (origin !== '' && allowed.has(origin)) ctx.response!.headers['access-control-allow-origin'] = origin;
      },
    };
  },
};
