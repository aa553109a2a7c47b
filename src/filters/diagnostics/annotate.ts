/**
 * annotate(key, value): records a key/value annotation of the route in the state bag for later filters;
 * a later annotation with the same key overwrites the earlier one.
 */
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount, stringArg } from '../args.ts';

/** The state bag key holding the annotations, as in Skipper. */
export const ANNOTATIONS_KEY = 'filter.annotate';

/** The annotations recorded so far for this request, or undefined when there are none. */
export function getAnnotations(ctx: FilterContext): Map<string, string> | undefined {
  return ctx.stateBag.get(ANNOTATIONS_KEY) as Map<string, string> | undefined;
}

export const annotate: FilterSpec = {
  name: 'annotate',
  create(args: Arg[]): FilterInstance {
    argCount('annotate', args, 2);
    const key = stringArg('annotate', args, 0, 'key');
    const value = stringArg('annotate', args, 1, 'value');
    return {
      name: 'annotate',
      request(ctx: FilterContext): void {
        const current = getAnnotations(ctx);
        if (current !== undefined) current.set(key, value);
        else ctx.stateBag.set(ANNOTATIONS_KEY, new Map([[key, value]]));
      },
    };
  },
};
