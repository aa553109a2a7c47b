/**
 * modPath(expr, replacement) rewrites the request path with a regular expression; setPath(template)
 * replaces it. Both work on the decoded path, as Skipper's URL.Path, and re-escape it for the wire.
 */
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount, goReplacement, regexpArg, stringArg } from '../args.ts';
import { compileTemplate } from '../template.ts';
import { decodedPath, reescapePath } from '../../net/index.ts';
import { stateless } from '../memo.ts';

/** Stores a decoded path; an empty or relative result is anchored at "/" because the wire needs one. */
function setDecodedPath(ctx: FilterContext, path: string): void {
  const p = path.startsWith('/') ? path : `/${path}`;
  ctx.request.path = reescapePath(ctx.request.path, p);
}

export const modPath: FilterSpec = stateless({
  name: 'modPath',
  create(args: Arg[]): FilterInstance {
    argCount('modPath', args, 2);
    const rx = regexpArg('modPath', args, 0, true);
    const replace = goReplacement(stringArg('modPath', args, 1, 'replacement'));
    return {
      name: 'modPath',
      request(ctx: FilterContext): void {
        setDecodedPath(ctx, decodedPath(ctx.request.path).replace(rx, replace));
      },
    };
  },
});

export const setPath: FilterSpec = stateless({
  name: 'setPath',
  create(args: Arg[]): FilterInstance {
    argCount('setPath', args, 1);
    const template = compileTemplate(stringArg('setPath', args, 0, 'path'));
    return {
      name: 'setPath',
      request(ctx: FilterContext): void {
        setDecodedPath(ctx, template.expand(ctx));
      },
    };
  },
});
