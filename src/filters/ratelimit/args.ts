/** Argument readers shared by the rate-limit filters, with Skipper's coercions. */
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import { parseDuration } from '../../net/index.ts';

/** A count: eskip numbers are float64, truncated to an integer as Skipper's int(f); never negative. */
export function countArg(filter: string, a: Arg | undefined, what: string): number {
  if (typeof a !== 'number' || !Number.isFinite(a)) throw new InvalidArgsError(`${filter}: ${what} must be a number, got ${JSON.stringify(a)}`);
  const n = Math.trunc(a);
  if (n < 0) throw new InvalidArgsError(`${filter}: ${what} must not be negative, got ${a}`);
  return n;
}

/** A time window: a Go duration string ("1m") or a number of seconds, as Skipper's getDurationArg; must be positive. */
export function windowArg(filter: string, a: Arg | undefined, what = 'time window'): number {
  let ms: number;
  if (typeof a === 'number' && Number.isFinite(a)) ms = Math.trunc(a) * 1000;
  else if (typeof a === 'string') {
    try {
      ms = parseDuration(a);
    } catch {
      throw new InvalidArgsError(`${filter}: invalid ${what} ${JSON.stringify(a)} (expected e.g. "1s", "1m", "1h")`);
    }
  } else throw new InvalidArgsError(`${filter}: ${what} must be a duration string or seconds, got ${JSON.stringify(a)}`);
  if (!(ms > 0)) throw new InvalidArgsError(`${filter}: ${what} must be positive, got ${JSON.stringify(a)}`);
  return ms;
}

/** An optional response status code at `i` (default `dflt`). */
export function statusCodeArg(filter: string, args: readonly Arg[], i: number, dflt: number): number {
  if (args.length <= i) return dflt;
  const a = args[i];
  if (typeof a !== 'number' || !Number.isInteger(a) || a < 100 || a > 599) {
    throw new InvalidArgsError(`${filter}: status code must be an integer from 100 to 599, got ${JSON.stringify(a)}`);
  }
  return a;
}

export function groupArg(filter: string, a: Arg | undefined): string {
  if (typeof a !== 'string') throw new InvalidArgsError(`${filter}: group must be a string, got ${JSON.stringify(a)}`);
  return a;
}

export function argRange(filter: string, args: readonly Arg[], min: number, max: number): void {
  if (args.length < min || args.length > max) {
    throw new InvalidArgsError(`${filter}: expected ${min === max ? min : `${min} to ${max}`} arguments, got ${args.length}`);
  }
}
