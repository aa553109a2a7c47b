/**
 * static(prefix, root): answers the request from the file system. The prefix is cut from the request
 * path and the rest is looked up under root (Go's http.StripPrefix + http.FileServer). The root must
 * exist when the route is built.
 */
import { realpathSync, statSync } from 'node:fs';
import type { Arg } from '../../eskip/index.ts';
import { InvalidArgsError } from '../../errors.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount, stringArg } from '../args.ts';
import { notFound, serveFromRoot } from './static-files.ts';
import { decodedPath } from '../../net/index.ts';

export const staticFilter: FilterSpec = {
  name: 'static',
  create(args: Arg[]): FilterInstance {
    argCount('static', args, 2);
    const prefix = stringArg('static', args, 0, 'path prefix');
    const dir = stringArg('static', args, 1, 'root directory');
    let root: string;
    try {
      statSync(dir);
      root = realpathSync(dir);
    } catch (e) {
      throw new InvalidArgsError(`static: root ${JSON.stringify(dir)} does not exist or is not accessible: ${(e as Error).message}`);
    }
    return {
      name: 'static',
      async request(ctx: FilterContext): Promise<void> {
        const p = decodedPath(ctx.request.path);
        // StripPrefix answers 404 when the path does not carry the prefix ("" strips nothing).
        if (!p.startsWith(prefix)) {
          ctx.serve(notFound());
          return;
        }
        ctx.serve(await serveFromRoot(root, p.slice(prefix.length), ctx.request.headers, ctx.request.method));
      },
    };
  },
};
