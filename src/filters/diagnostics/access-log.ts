/**
 * disableAccessLog(…codes) and enableAccessLog(…codes): per-route control of the access log, with Skipper's
 * semantics. Without arguments the route's requests are never (resp. always) logged; with arguments the
 * rule applies only to responses whose status matches one of the prefixes — a digit (2 → 2xx), two digits
 * (40 → 40x) or a full code (404) — and the opposite holds for every other status. An enableAccessLog route
 * is logged even under -access-log-disabled, as in Skipper. The filter leaves its decision in the state bag;
 * the access log reads it when the response is done, because the status is not known before.
 */
import type { Arg } from '../../eskip/index.ts';
import { InvalidArgsError } from '../../errors.ts';
import type { FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';

/** The state-bag key the access log reads: an {@link AccessLogControl}, or `true` for "disabled for all". */
export const ACCESS_LOG_STATE_KEY = 'accessLog.disabled';

/** One route's access-log rule, built once per route. */
export interface AccessLogControl {
  /** Log (true) or suppress (false) matching responses. */
  readonly enable: boolean;
  /** Half-open status ranges [lo, hi) of the prefixes; empty means every status matches. */
  readonly ranges: readonly (readonly [number, number])[];
}

/** A status-code prefix as a status range: 2 → [200, 300), 40 → [400, 410), 404 → [404, 405). */
export function prefixRange(prefix: number): [number, number] {
  if (prefix < 10) return [prefix * 100, (prefix + 1) * 100];
  if (prefix < 100) return [prefix * 10, (prefix + 1) * 10];
  return [prefix, prefix + 1];
}

function matches(c: AccessLogControl, status: number): boolean {
  for (const [lo, hi] of c.ranges) if (status >= lo && status < hi) return true;
  return false;
}

/**
 * Whether the response with `status` goes to the access log, given the state-bag value the route's filter
 * left (`undefined` when none ran) and whether the access log is on by flag.
 */
export function accessLogWanted(bagValue: unknown, status: number, enabledByFlag: boolean): boolean {
  if (bagValue === undefined) return enabledByFlag;
  if (bagValue === true) return false;
  const c = bagValue as AccessLogControl;
  if (c.ranges.length === 0) return c.enable;
  return matches(c, status) === c.enable;
}

function controlSpec(name: string, enable: boolean): FilterSpec {
  return {
    name,
    create(args: Arg[]): FilterInstance {
      const ranges = args.map((a, i) => {
        // Skipper truncates float arguments to int; a negative or fractional code is a typo, not a prefix.
        if (typeof a !== 'number' || !Number.isInteger(a) || a < 0 || a > 999) {
          throw new InvalidArgsError(`${name}: argument ${i + 1} must be a status code or a prefix of one (an integer from 0 to 999), got ${typeof a === 'string' ? JSON.stringify(a) : String(a)}`);
        }
        return prefixRange(a);
      });
      const control: AccessLogControl = Object.freeze({ enable, ranges: Object.freeze(ranges) });
      return {
        name,
        request(ctx) {
          ctx.stateBag.set(ACCESS_LOG_STATE_KEY, control);
        },
      };
    },
  };
}

export const disableAccessLog: FilterSpec = controlSpec('disableAccessLog', false);
export const enableAccessLog: FilterSpec = controlSpec('enableAccessLog', true);
