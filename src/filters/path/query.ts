/**
 * setQuery(key, value), setQuery(query) and dropQuery(key): change the query sent upstream. Keys and
 * values are templates (unresolved placeholders become ""). Like Skipper, the query is re-encoded after
 * a change, which sorts it by key; setQuery with one argument replaces the raw query verbatim.
 */
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount, stringArg } from '../args.ts';
import { compileTemplate } from '../template.ts';
import { encodeQuery, parseQuery } from '../../net/index.ts';

export const setQuery: FilterSpec = {
  name: 'setQuery',
  create(args: Arg[]): FilterInstance {
    argCount('setQuery', args, 1, 2);
    const key = compileTemplate(stringArg('setQuery', args, 0, 'key'));
    if (args.length === 1) {
      return {
        name: 'setQuery',
        request(ctx: FilterContext): void {
          ctx.request.rawQuery = key.expand(ctx);
        },
      };
    }
    const value = compileTemplate(stringArg('setQuery', args, 1, 'value'));
    return {
      name: 'setQuery',
      request(ctx: FilterContext): void {
        const q = parseQuery(ctx.request.rawQuery);
        q.set(key.expand(ctx), [value.expand(ctx)]);
        ctx.request.rawQuery = encodeQuery(q);
      },
    };
  },
};

export const dropQuery: FilterSpec = {
  name: 'dropQuery',
  create(args: Arg[]): FilterInstance {
    argCount('dropQuery', args, 1);
    const key = compileTemplate(stringArg('dropQuery', args, 0, 'key'));
    return {
      name: 'dropQuery',
      request(ctx: FilterContext): void {
        const q = parseQuery(ctx.request.rawQuery);
        q.delete(key.expand(ctx));
        ctx.request.rawQuery = encodeQuery(q);
      },
    };
  },
};
