/**
 * chunks / backendChunks: deliver the response body (chunks) or the request body sent to the backend
 * (backendChunks) in slices of a fixed size with a pause between slices. As in Skipper, the pause is
 * also taken once before the first slice (so the response headers are delayed by it, too).
 */
import { InvalidArgsError } from '../errors.ts';
import type { Arg } from '../eskip/ast.ts';
import type { FilterContext, FilterInstance, FilterSpec } from './types.ts';
import { chunkedReadable, sleep } from './streams.ts';
import { delayArg } from './latency.ts';

interface ChunkArgs {
  size: number;
  gapMs: number;
}

function chunkArgs(name: string, args: Arg[]): ChunkArgs {
  if (args.length !== 2) throw new InvalidArgsError(`${name}: expects two arguments (byte length, delay), got ${args.length}`);
  const size = args[0];
  if (typeof size !== 'number' || !Number.isFinite(size) || Math.trunc(size) <= 0) {
    throw new InvalidArgsError(`${name}: byte length must be a positive number, got ${JSON.stringify(size)}`);
  }
  return { size: Math.trunc(size), gapMs: delayArg(name, 'delay', args[1]) };
}

/** `chunks(bytes, delay)`: slices the response body. */
export const chunks: FilterSpec = {
  name: 'chunks',
  create(args: Arg[]): FilterInstance {
    const { size, gapMs } = chunkArgs('chunks', args);
    return {
      name: 'chunks',
      async response(ctx: FilterContext): Promise<void> {
        await sleep(gapMs);
        const rsp = ctx.response;
        if (rsp !== null && rsp.body !== null) rsp.body = chunkedReadable(rsp.body, size, gapMs);
      },
    };
  },
};

/** `backendChunks(bytes, delay)`: slices the request body sent to the backend. */
export const backendChunks: FilterSpec = {
  name: 'backendChunks',
  create(args: Arg[]): FilterInstance {
    const { size, gapMs } = chunkArgs('backendChunks', args);
    return {
      name: 'backendChunks',
      async request(ctx: FilterContext): Promise<void> {
        await sleep(gapMs);
        const req = ctx.request;
        if (req.body !== null) req.body = chunkedReadable(req.body, size, gapMs);
      },
    };
  },
};
