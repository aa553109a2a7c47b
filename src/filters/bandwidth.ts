/**
 * bandwidth / backendBandwidth: limit the response body (bandwidth) or the request body sent to the
 * backend (backendBandwidth) to a rate in kilobytes per second, as Skipper does (1 kB = 1024 bytes).
 *
 * Deliberate difference: Skipper sleeps a whole number of milliseconds per 512-byte slice, so any rate
 * above 512 kB/s is not limited at all; here the deadline of every slice is computed from the start of
 * the body, so high rates are honoured too.
 */
import { InvalidArgsError } from '../errors.ts';
import type { Arg } from '../eskip/ast.ts';
import type { FilterContext, FilterInstance, FilterSpec } from './types.ts';
import { throttledReadable } from './streams.ts';

function rateArg(name: string, args: Arg[]): number {
  if (args.length !== 1) throw new InvalidArgsError(`${name}: expects one argument (kB/s), got ${args.length}`);
  const kbps = args[0];
  if (typeof kbps !== 'number' || !(kbps > 0) || !Number.isFinite(kbps)) {
    throw new InvalidArgsError(`${name}: bandwidth must be a positive number of kB/s, got ${JSON.stringify(kbps)}`);
  }
  return (kbps * 1024) / 1000;
}

/** `bandwidth(kbps)`: throttles the response body. */
export const bandwidth: FilterSpec = {
  name: 'bandwidth',
  create(args: Arg[]): FilterInstance {
    const bytesPerMs = rateArg('bandwidth', args);
    return {
      name: 'bandwidth',
      response(ctx: FilterContext): void {
        const rsp = ctx.response;
        if (rsp !== null && rsp.body !== null) rsp.body = throttledReadable(rsp.body, bytesPerMs);
      },
    };
  },
};

/** `backendBandwidth(kbps)`: throttles the request body on its way to the backend. */
export const backendBandwidth: FilterSpec = {
  name: 'backendBandwidth',
  create(args: Arg[]): FilterInstance {
    const bytesPerMs = rateArg('backendBandwidth', args);
    return {
      name: 'backendBandwidth',
      request(ctx: FilterContext): void {
        const req = ctx.request;
        if (req.body !== null) req.body = throttledReadable(req.body, bytesPerMs);
      },
    };
  },
};
