/**
 * dropRequestHeader / dropResponseHeader remove a header; the …ValueRegexp forms remove only the values
 * that match an expression and keep the rest.
 */
import type { Arg } from '../../eskip/index.ts';
import type { HeaderBag } from '../../routing/types.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount, headerNameArg, regexpArg } from '../args.ts';
import { getAll, setAll } from '../../net/index.ts';
import { stateless } from '../memo.ts';

type Phase = 'request' | 'response';

function bagOf(ctx: FilterContext, phase: Phase): HeaderBag {
  return phase === 'request' ? ctx.request.headers : ctx.response!.headers;
}

function hook(name: string, phase: Phase, run: (bag: HeaderBag) => void): FilterInstance {
  return phase === 'request'
    ? { name, request: (ctx) => run(bagOf(ctx, 'request')) }
    : { name, response: (ctx) => run(bagOf(ctx, 'response')) };
}

function dropSpec(name: string, phase: Phase): FilterSpec {
  return {
    name,
    create(args: Arg[]): FilterInstance {
      argCount(name, args, 1);
      const header = headerNameArg(name, args, 0);
      return hook(name, phase, (bag) => { delete bag[header]; });
    },
  };
}

function dropValueSpec(name: string, phase: Phase): FilterSpec {
  return {
    name,
    create(args: Arg[]): FilterInstance {
      argCount(name, args, 2);
      const header = headerNameArg(name, args, 0);
      const rx = regexpArg(name, args, 1);
      return hook(name, phase, (bag) => {
        const values = getAll(bag, header);
        if (values.length === 0) return;
        setAll(bag, header, values.filter((v) => !rx.test(v)));
      });
    },
  };
}

export const dropRequestHeader = stateless(dropSpec('dropRequestHeader', 'request'));
export const dropResponseHeader = stateless(dropSpec('dropResponseHeader', 'response'));
export const dropRequestHeaderValueRegexp = dropValueSpec('dropRequestHeaderValueRegexp', 'request');
export const dropResponseHeaderValueRegexp = dropValueSpec('dropResponseHeaderValueRegexp', 'response');
// Skipper's registry spells these names without "Value" while its docs spell them with it; routes written
// against either keep working.
export const dropRequestHeaderRegexp = dropValueSpec('dropRequestHeaderRegexp', 'request');
export const dropResponseHeaderRegexp = dropValueSpec('dropResponseHeaderRegexp', 'response');
