/** Time arguments of After, Before and Between: an RFC 3339 date string or Unix seconds (truncated). */
import type { Arg } from '../eskip/index.ts';
import { InvalidArgsError } from '../errors.ts';

const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The instant an argument names, in milliseconds since the epoch. */
export function timeArg(name: string, a: Arg | undefined): number {
  if (typeof a === 'number' && Number.isFinite(a)) return Math.trunc(a) * 1000;
  if (typeof a === 'string' && rfc3339.test(a)) {
    const t = Date.parse(a);
    if (!Number.isNaN(t) && validFields(a)) return t;
  }
  throw new InvalidArgsError(`${name}: expected an RFC 3339 date or Unix seconds, got ${JSON.stringify(a)}`);
}

// Date.parse rolls 2016-02-30 over into March; Go's time.Parse refuses it.
function validFields(s: string): boolean {
  const [y, mo, d, h, mi, se] = [0, 5, 8, 11, 14, 17].map((i) => Number(s.slice(i, i + (i === 0 ? 4 : 2))));
  const days = new Date(Date.UTC(y!, mo!, 0)).getUTCDate();
  return mo! >= 1 && mo! <= 12 && d! >= 1 && d! <= days && h! <= 23 && mi! <= 59 && se! <= 59;
}
