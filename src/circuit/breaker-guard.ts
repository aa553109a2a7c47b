/**
 * Breakers as a BackendGuard: before each attempt the breaker of the endpoint's host (with the route's
 * settings from a breaker filter) is asked; an open one refuses with 503 and `X-Circuit-Open: true`, as
 * Skipper answers, and the backend is not contacted. After the attempt, an error or a status ≥ 500 counts
 * as a failure (Skipper's done(status < 500)); a client that went away, or a later guard's refusal, counts
 * as nothing and only frees a half-open probe slot.
 */
import type { AttemptInfo, AttemptOutcome, BackendGuard, Refusal } from '../proxy/guard.ts';
import { REFUSED, type Breaker, type Ticket } from './breaker.ts';
import type { BreakerRegistry } from './registry.ts';
import type { BreakerSettings } from './settings.ts';

/** The state-bag key under which breaker filters leave the route's settings (Skipper's RouteSettingsKey). */
export const ROUTE_SETTINGS_KEY = '#circuitbreakersettings';

/** The refusal of an open breaker (Skipper's 503 with X-Circuit-Open). */
export const BREAKER_OPEN: Refusal = Object.freeze({
  code: 'SKJ_ERR_PROXY_BREAKER_OPEN',
  status: 503,
  headers: Object.freeze({ 'X-Circuit-Open': 'true' }),
  reason: 'circuit breaker open',
});

interface Pass {
  breaker: Breaker;
  ticket: Ticket;
}

/** Counts refusals per host for metrics; optional. */
export type RefusalListener = (b: Breaker) => void;

/** The guard over `registry`; `onRefuse` sees every refused attempt. */
export function breakerGuard(registry: BreakerRegistry, onRefuse: RefusalListener | null = null): BackendGuard {
  // The attempt info object is the pairing between before and after (the proxy passes the same object).
  const passes = new WeakMap<AttemptInfo, Pass>();
  return {
    before(a) {
      const route = (a.stateBag.get(ROUTE_SETTINGS_KEY) as BreakerSettings | undefined) ?? null;
      const b = registry.get(a.backendHost, route);
      if (b === null) return undefined;
      const ticket = b.allow(registry.now());
      if (ticket === REFUSED) {
        if (onRefuse !== null) onRefuse(b);
        return BREAKER_OPEN;
      }
      passes.set(a, { breaker: b, ticket });
      return undefined;
    },
    after(a, o: AttemptOutcome) {
      const p = passes.get(a);
      if (p === undefined) return;
      passes.delete(a);
      if (o.refused === true || o.clientGone === true) p.breaker.release(p.ticket);
      else p.breaker.done(p.ticket, o.error === undefined && (o.status ?? 0) < 500, registry.now());
    },
  };
}
