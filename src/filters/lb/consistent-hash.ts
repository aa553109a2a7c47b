/**
 * consistentHashKey(template) sets the key the consistentHash load balancer hashes instead of the client
 * address (left unset when a placeholder does not resolve); consistentHashBalanceFactor(f ≥ 1) bounds the
 * load of one endpoint to f times the average.
 */
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount, numberArg, stringArg } from '../args.ts';
import { compileTemplate } from '../template.ts';

export const consistentHashKey: FilterSpec = {
  name: 'consistentHashKey',
  create(args: Arg[]): FilterInstance {
    argCount('consistentHashKey', args, 1);
    const template = compileTemplate(stringArg('consistentHashKey', args, 0, 'key'));
    return {
      name: 'consistentHashKey',
      request(ctx: FilterContext): void {
        const key = template.expandStrict(ctx);
        if (key !== null) ctx.settings.consistentHashKey = key;
      },
    };
  },
};

export const consistentHashBalanceFactor: FilterSpec = {
  name: 'consistentHashBalanceFactor',
  create(args: Arg[]): FilterInstance {
    argCount('consistentHashBalanceFactor', args, 1);
    const factor = numberArg('consistentHashBalanceFactor', args, 0, 'balance factor');
    if (factor < 1) throw new InvalidArgsError(`consistentHashBalanceFactor: balance factor must be >= 1, got ${factor}`);
    return {
      name: 'consistentHashBalanceFactor',
      request(ctx: FilterContext): void {
        ctx.settings.consistentHashBalanceFactor = factor;
      },
    };
  },
};
