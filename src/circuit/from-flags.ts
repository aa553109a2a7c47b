/**
 * The breakers of one process from Skipper's flags: with -enable-breakers or any -breaker value there is a
 * registry (Skipper's rule); otherwise none, and breaker filters have no effect.
 */
import type { BackendGuard } from '../proxy/guard.ts';
import type { Breaker } from './breaker.ts';
import { breakerGuard } from './breaker-guard.ts';
import { ownedBreakerGuard } from './instance-breakers.ts';
import { BreakerRegistry } from './registry.ts';
import { parseBreakerFlag } from './settings.ts';

/** What breakers report; implemented by the metrics and the application log. */
export interface BreakerObserver {
  transition(b: Breaker, from: string, to: string, cause: string): void;
  refused(b: Breaker): void;
}

export interface Breakers {
  readonly registry: BreakerRegistry;
  readonly guard: BackendGuard;
}

/**
 * Null when breakers are off. `values` are the raw -breaker flag values (validated at start-up).
 * `owner`: 'self' counts in this process; 'primary' (a worker of -workers N) asks the instance's owner
 * (instance-breakers.ts), and this process's registry only resolves keys.
 */
export function breakersFromFlags(enable: boolean, values: readonly string[], observer: BreakerObserver | null, owner: 'self' | 'primary' = 'self'): Breakers | null {
  if (!enable && values.length === 0) return null;
  const registry = new BreakerRegistry(values.map(parseBreakerFlag));
  if (observer !== null) registry.onTransition((b, from, to, cause) => observer.transition(b, from, to, cause));
  const onRefuse = observer === null ? null : (b: Breaker): void => observer.refused(b);
  return { registry, guard: owner === 'self' ? breakerGuard(registry, onRefuse) : ownedBreakerGuard(registry, onRefuse) };
}
