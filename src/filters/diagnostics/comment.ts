/**
 * comment(msg): documents a route or a group of its filters. It has no hooks by design, so the route's
 * hook lists skip it; only its argument is checked.
 */
import type { Arg } from '../../eskip/index.ts';
import type { FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount, stringArg } from '../args.ts';

export const comment: FilterSpec = {
  name: 'comment',
  create(args: Arg[]): FilterInstance {
    argCount('comment', args, 1);
    stringArg('comment', args, 0, 'message');
    return { name: 'comment' };
  },
};
