/**
 * latency / backendLatency: a fixed delay before the response is passed on (latency) or before the
 * backend is called (backendLatency). Skipper delays the response headers too, not only the body.
 */
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import type { FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { sleep } from '../streams.ts';
import { parseDuration } from '../../net/index.ts';

/** A Go duration string in milliseconds, or null when it is not one. */
export function durationOrNull(text: string): number | null {
  try {
    return parseDuration(text);
  } catch {
    return null;
  }
}

/**
 * A non-negative delay argument as Skipper's diag filters take it: a number of milliseconds (truncated to
 * whole milliseconds, as Go's time.Duration conversion does) or a Go duration string.
 */
export function delayArg(filter: string, what: string, arg: Arg | undefined): number {
  let ms: number | null;
  if (typeof arg === 'number') ms = Number.isFinite(arg) ? Math.trunc(arg) : null;
  else if (typeof arg === 'string') ms = durationOrNull(arg);
  else ms = null;
  if (ms === null) throw new InvalidArgsError(`${filter}: ${what} must be milliseconds or a duration like "120ms", got ${JSON.stringify(arg)}`);
  if (ms < 0) throw new InvalidArgsError(`${filter}: ${what} must not be negative, got ${JSON.stringify(arg)}`);
  return ms;
}

function latencySpec(name: string, side: 'request' | 'response'): FilterSpec {
  return {
    name,
    create(args: Arg[]): FilterInstance {
      if (args.length !== 1) throw new InvalidArgsError(`${name}: expects one argument (delay), got ${args.length}`);
      const ms = delayArg(name, 'delay', args[0]);
      // latency(0) is a legal no-op: skip the hook so the proxy does not await for nothing.
      if (ms === 0) return { name };
      const wait = (): Promise<void> => sleep(ms);
      return side === 'request' ? { name, request: wait } : { name, response: wait };
    },
  };
}

/** `latency(ms | "duration")`: delays the response on its way to the client. */
export const latency: FilterSpec = latencySpec('latency', 'response');

/** `backendLatency(ms | "duration")`: delays the call to the backend. */
export const backendLatency: FilterSpec = latencySpec('backendLatency', 'request');
