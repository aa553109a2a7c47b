/**
 * chunks / backendChunks: deliver the response body (chunks) or the request body sent to the backend
 * (backendChunks) in slices of a fixed size with a pause between slices. As in Skipper, the pause is
 * also taken once before the first slice (so the response headers are delayed by it, too).
 */
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { chunkedReadable, sleep, wrapBody } from '../streams.ts';
import type { BodySide } from '../streams.ts';
import { delayArg } from './latency.ts';

function chunksSpec(name: string, side: BodySide): FilterSpec {
  return {
    name,
    create(args: Arg[]): FilterInstance {
      if (args.length !== 2) throw new InvalidArgsError(`${name}: expects two arguments (byte length, delay), got ${args.length}`);
      const n = args[0];
      if (typeof n !== 'number' || !Number.isFinite(n) || Math.trunc(n) <= 0) {
        throw new InvalidArgsError(`${name}: byte length must be a positive number, got ${JSON.stringify(n)}`);
      }
      const size = Math.trunc(n);
      const gapMs = delayArg(name, 'delay', args[1]);
      const hook = async (ctx: FilterContext): Promise<void> => {
        await sleep(gapMs);
        wrapBody(ctx, side, (body) => chunkedReadable(body, size, gapMs));
      };
      return side === 'request' ? { name, request: hook } : { name, response: hook };
    },
  };
}

/** `chunks(bytes, delay)`: slices the response body. */
export const chunks: FilterSpec = chunksSpec('chunks', 'response');

/** `backendChunks(bytes, delay)`: slices the request body sent to the backend. */
export const backendChunks: FilterSpec = chunksSpec('backendChunks', 'request');
