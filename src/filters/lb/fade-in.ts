/**
 * fadeIn(duration[, exponent]): new endpoints of this LB route get a share of traffic that grows as
 * (age/duration)^exponent until `duration` has passed (Skipper's fadeIn). The filter does nothing per
 * request; the proxy reads its settings once per route (src/loadbalancer/route-config.ts).
 */
import { InvalidArgsError } from '../../errors.ts';
import { parseDuration } from '../../net/index.ts';
import type { Arg } from '../../eskip/index.ts';
import type { FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';

/** A number is milliseconds, a string a Go duration ("3m"), as in Skipper. */
function durationMs(a: Arg | undefined): number {
  if (typeof a === 'number' && Number.isFinite(a) && a >= 0) return a;
  if (typeof a === 'string') {
    let ms: number;
    try {
      ms = parseDuration(a);
    } catch {
      throw new InvalidArgsError(`fadeIn: invalid duration ${JSON.stringify(a)} (expected e.g. "30s", "3m" or milliseconds)`);
    }
    if (ms >= 0) return ms;
  }
  throw new InvalidArgsError(`fadeIn: duration must be a non-negative number of milliseconds or a duration string, got ${JSON.stringify(a)}`);
}

export const fadeIn: FilterSpec = {
  name: 'fadeIn',
  create(args): FilterInstance {
    if (args.length < 1 || args.length > 2) throw new InvalidArgsError(`fadeIn: expected 1 or 2 arguments, got ${args.length}`);
    const d = durationMs(args[0]);
    let exponent = 1;
    if (args.length === 2) {
      const e = args[1];
      if (typeof e !== 'number' || !Number.isFinite(e)) {
        throw new InvalidArgsError(`fadeIn: exponent must be a number, got ${JSON.stringify(e)}`);
      }
      exponent = e;
    }
    return Object.freeze({ name: 'fadeIn', lbSettings: Object.freeze({ fadeIn: Object.freeze({ durationMs: d, exponent }) }) });
  },
};
