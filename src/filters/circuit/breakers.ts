/**
 * consecutiveBreaker, rateBreaker, disableBreaker: route-level breaker settings (Skipper's filters/circuit).
 * They only leave their settings in the state bag; the breaker itself lives in the instance's
 * BreakerRegistry, keyed by backend host and settings, so route updates never reset it.
 *
 *   consecutiveBreaker(failures[, timeout[, halfOpenRequests[, idleTTL]]])
 *   rateBreaker(failures, window[, timeout[, halfOpenRequests[, idleTTL]]])
 *   disableBreaker()
 *
 * Durations are Go duration strings or milliseconds, as in Skipper.
 */
import { ROUTE_SETTINGS_KEY } from '../../circuit/breaker-guard.ts';
import { NO_SETTINGS, type BreakerSettings } from '../../circuit/settings.ts';
import { parseDuration } from '../../net/index.ts';
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import { argCount } from '../args.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../types.ts';

function intArg(name: string, args: readonly Arg[], i: number, what: string): number {
  const a = args[i];
  if (typeof a !== 'number' || !Number.isFinite(a)) throw new InvalidArgsError(`${name}: ${what} must be a number, got ${JSON.stringify(a)}`);
  // Skipper truncates float64 arguments to int.
  return Math.trunc(a);
}

function durationArg(name: string, args: readonly Arg[], i: number, what: string): number {
  const a = args[i];
  if (typeof a === 'number') return Math.trunc(a);
  if (typeof a === 'string') {
    try {
      return parseDuration(a);
    } catch {
      throw new InvalidArgsError(`${name}: invalid ${what} ${JSON.stringify(a)} (expected e.g. "10s" or milliseconds)`);
    }
  }
  throw new InvalidArgsError(`${name}: ${what} must be a duration string or milliseconds, got ${JSON.stringify(a)}`);
}

function settingsFilter(name: string, settings: BreakerSettings): FilterInstance {
  const frozen = Object.freeze(settings);
  return {
    name,
    request(ctx: FilterContext): void {
      ctx.stateBag.set(ROUTE_SETTINGS_KEY, frozen);
    },
  };
}

export const consecutiveBreaker: FilterSpec = {
  name: 'consecutiveBreaker',
  create(args) {
    const n = 'consecutiveBreaker';
    argCount(n, args, 1, 4);
    return settingsFilter(n, {
      ...NO_SETTINGS,
      type: 'consecutive',
      failures: intArg(n, args, 0, 'failures'),
      timeoutMs: args.length > 1 ? durationArg(n, args, 1, 'timeout') : 0,
      halfOpenRequests: args.length > 2 ? intArg(n, args, 2, 'half-open requests') : 0,
      idleTtlMs: args.length > 3 ? durationArg(n, args, 3, 'idle TTL') : 0,
    });
  },
};

export const rateBreaker: FilterSpec = {
  name: 'rateBreaker',
  create(args) {
    const n = 'rateBreaker';
    argCount(n, args, 2, 5);
    return settingsFilter(n, {
      ...NO_SETTINGS,
      type: 'rate',
      failures: intArg(n, args, 0, 'failures'),
      window: intArg(n, args, 1, 'window'),
      timeoutMs: args.length > 2 ? durationArg(n, args, 2, 'timeout') : 0,
      halfOpenRequests: args.length > 3 ? intArg(n, args, 3, 'half-open requests') : 0,
      idleTtlMs: args.length > 4 ? durationArg(n, args, 4, 'idle TTL') : 0,
    });
  },
};

export const disableBreaker: FilterSpec = {
  name: 'disableBreaker',
  create(args) {
    argCount('disableBreaker', args, 0);
    return settingsFilter('disableBreaker', { ...NO_SETTINGS, type: 'disabled' });
  },
};

/** The breaker filters, registered by the composition root with the rest of the built-ins. */
export const circuitFilters: readonly FilterSpec[] = [consecutiveBreaker, rateBreaker, disableBreaker];
