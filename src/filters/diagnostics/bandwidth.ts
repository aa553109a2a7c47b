/**
 * bandwidth / backendBandwidth: limit the response body (bandwidth) or the request body sent to the
 * backend (backendBandwidth) to a rate in kilobytes per second, as Skipper does (1 kB = 1024 bytes).
 *
 * Deliberate difference: Skipper sleeps a whole number of milliseconds per 512-byte slice, so any rate
 * above 512 kB/s is not limited at all; here the deadline of every slice is computed from the start of
 * the body, so high rates are honoured too.
 */
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { throttledReadable, wrapBody } from '../streams.ts';
import type { BodySide } from '../streams.ts';

function bandwidthSpec(name: string, side: BodySide): FilterSpec {
  return {
    name,
    create(args: Arg[]): FilterInstance {
      if (args.length !== 1) throw new InvalidArgsError(`${name}: expects one argument (kB/s), got ${args.length}`);
      const kbps = args[0];
      if (typeof kbps !== 'number' || !(kbps > 0) || !Number.isFinite(kbps)) {
        throw new InvalidArgsError(`${name}: bandwidth must be a positive number of kB/s, got ${JSON.stringify(kbps)}`);
      }
      const bytesPerMs = (kbps * 1024) / 1000;
      const hook = (ctx: FilterContext): void => wrapBody(ctx, side, (body) => throttledReadable(body, bytesPerMs));
      return side === 'request' ? { name, request: hook } : { name, response: hook };
    },
  };
}

/** `bandwidth(kbps)`: throttles the response body. */
export const bandwidth: FilterSpec = bandwidthSpec('bandwidth', 'response');

/** `backendBandwidth(kbps)`: throttles the request body on its way to the backend. */
export const backendBandwidth: FilterSpec = bandwidthSpec('backendBandwidth', 'request');
