/**
 * logBody("request"|"response", limit): logs the first `limit` bytes of the request or response body
 * while it streams, one log line per chunk prefixed with `logBody("request") <flow id>: `. The body is
 * passed on untouched and never held back.
 */
import type { Readable } from 'node:stream';
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { headerString, tapStream, through, wrapBody } from '../streams.ts';

function logged(ctx: FilterContext, body: Readable, limit: number, prefix: string): Readable {
  let left = limit;
  return through(
    body,
    tapStream((chunk) => {
      if (left <= 0) return;
      const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
      left -= part.length;
      // The flow id is read per chunk: a flowId filter later in the chain may set it after this one ran.
      ctx.log('info', `${prefix} ${headerString(ctx.request.headers, 'x-flow-id')}: ${part.toString()}`);
    }),
  );
}

export const logBody: FilterSpec = {
  name: 'logBody',
  create(args: Arg[]): FilterInstance {
    if (args.length !== 2) throw new InvalidArgsError(`logBody: expects two arguments ("request" or "response", limit), got ${args.length}`);
    const [which, limit] = args;
    if (which !== 'request' && which !== 'response') {
      throw new InvalidArgsError(`logBody: first argument must be "request" or "response", got ${JSON.stringify(which)}`);
    }
    if (typeof limit !== 'number' || !Number.isInteger(limit)) {
      throw new InvalidArgsError(`logBody: limit must be a whole number of bytes, got ${JSON.stringify(limit)}`);
    }
    const prefix = `logBody("${which}")`;
    const hook = (ctx: FilterContext): void => wrapBody(ctx, which, (body) => logged(ctx, body, limit, prefix));
    return which === 'request' ? { name: 'logBody', request: hook } : { name: 'logBody', response: hook };
  },
};
