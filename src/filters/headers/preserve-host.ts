/**
 * preserveHost("true"|"false"): per route override of -proxy-preserve-host. It only flips between the
 * incoming Host and the backend's host; a Host another filter chose is left alone, as in Skipper.
 */
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount } from '../args.ts';

export const preserveHost: FilterSpec = {
  name: 'preserveHost',
  create(args: Arg[]): FilterInstance {
    argCount('preserveHost', args, 1);
    const a = args[0];
    if (a !== 'true' && a !== 'false') {
      throw new InvalidArgsError(`preserveHost: argument must be "true" or "false", got ${JSON.stringify(a)}`);
    }
    if (a === 'true') {
      return {
        name: 'preserveHost',
        request(ctx: FilterContext): void {
          // null means "the backend's host": only that default is replaced.
          if (ctx.outgoingHost === null) ctx.outgoingHost = ctx.original.host;
        },
      };
    }
    return {
      name: 'preserveHost',
      request(ctx: FilterContext): void {
        if (ctx.outgoingHost === ctx.original.host) ctx.outgoingHost = null;
      },
    };
  },
};
