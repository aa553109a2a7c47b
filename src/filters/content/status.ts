/** status(code): sets the response status, whatever the backend answered. */
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount, statusArg } from '../args.ts';
import { stateless } from '../memo.ts';

export const status: FilterSpec = stateless({
  name: 'status',
  create(args: Arg[]): FilterInstance {
    argCount('status', args, 1);
    const code = statusArg('status', args, 0);
    return {
      name: 'status',
      response(ctx: FilterContext): void {
        ctx.response!.status = code;
      },
    };
  },
});
