/**
 * latency / backendLatency: a fixed delay before the response is passed on (latency) or before the
 * backend is called (backendLatency). Skipper delays the response headers too, not only the body.
 */
import { InvalidArgsError } from '../errors.ts';
import type { Arg } from '../eskip/ast.ts';
import type { FilterInstance, FilterSpec } from './types.ts';
import { sleep } from './streams.ts';

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3, // U+00B5 micro sign
  'μs': 1e-3, // U+03BC Greek mu
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const GO_DURATION = /^([0-9]*(?:\.[0-9]*)?)([a-zµμ]+)/;

/**
 * Parse a Go `time.ParseDuration` string ("1h2m3.5s", "120ms", "0") into milliseconds; null when the
 * text is not a Go duration.
 */
export function parseGoDuration(text: string): number | null {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return null;
  let total = 0;
  while (rest !== '') {
    const m = GO_DURATION.exec(rest);
    if (m === null) return null;
    const [whole, num, unit] = m as unknown as [string, string, string];
    const factor = UNIT_MS[unit];
    if (num === '' || num === '.' || factor === undefined) return null;
    total += Number(num) * factor;
    rest = rest.slice(whole.length);
  }
  return sign * total;
}

/**
 * A non-negative delay argument as Skipper's diag filters take it: a number of milliseconds (truncated to
 * whole milliseconds, as Go's time.Duration conversion does) or a Go duration string.
 */
export function delayArg(filter: string, what: string, arg: Arg | undefined): number {
  let ms: number | null;
  if (typeof arg === 'number') ms = Number.isFinite(arg) ? Math.trunc(arg) : null;
  else if (typeof arg === 'string') ms = parseGoDuration(arg);
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
