/** wrapContent(prefix, suffix): streams the response body between a prefix and a suffix. */
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { generatedReadable, headerString } from '../streams.ts';

export const wrapContent: FilterSpec = {
  name: 'wrapContent',
  create(args: Arg[]): FilterInstance {
    if (args.length !== 2) throw new InvalidArgsError(`wrapContent: expects two arguments (prefix, suffix), got ${args.length}`);
    const [p, s] = args;
    if (typeof p !== 'string' || typeof s !== 'string') {
      throw new InvalidArgsError(`wrapContent: prefix and suffix must be strings, got ${JSON.stringify(p)}, ${JSON.stringify(s)}`);
    }
    const prefix = Buffer.from(p);
    const suffix = Buffer.from(s);
    const extra = prefix.length + suffix.length;
    return {
      name: 'wrapContent',
      response(ctx: FilterContext): void {
        const rsp = ctx.response;
        if (rsp === null) return;
        const cl = headerString(rsp.headers, 'content-length');
        if (/^\d+$/.test(cl)) rsp.headers['content-length'] = String(Number(cl) + extra);
        const body = rsp.body;
        rsp.body = generatedReadable(async function* () {
          if (prefix.length > 0) yield prefix;
          if (body !== null) for await (const c of body) yield c as Buffer;
          if (suffix.length > 0) yield suffix;
        }, body);
      },
    };
  },
};
