/**
 * The breakers of one instance, keyed by backend host and settings (Skipper's circuit.Registry). It lives
 * outside the route table, so a route update never resets a breaker: equal settings on a new route
 * generation find the same breaker. A breaker unused for its idle-ttl is dropped and starts afresh.
 */
import { Breaker, type TransitionListener } from './breaker.ts';
import { DEFAULT_IDLE_TTL_MS, mergeSettings, NO_SETTINGS, settingsKey, type BreakerSettings } from './settings.ts';

export class BreakerRegistry {
  readonly defaults: BreakerSettings;
  readonly #hostSettings = new Map<string, BreakerSettings>();
  readonly #lookup = new Map<string, Breaker>();
  /** Breakers under the flag settings alone (no route filter), by host: one Map lookup on the common path. */
  readonly #byHost = new Map<string, Breaker>();
  readonly #listeners: TransitionListener[] = [];
  readonly #created: Array<(b: Breaker) => void> = [];
  readonly now: () => number;

  /** `settings`: the -breaker values; those without a host merge into the defaults, the others per host. */
  constructor(settings: readonly BreakerSettings[] = [], now: () => number = Date.now) {
    this.now = now;
    let defaults = NO_SETTINGS;
    const hosts: BreakerSettings[] = [];
    for (const s of settings) {
      if (s.host === '') defaults = mergeSettings(defaults, s);
      else hosts.push(s);
    }
    if (defaults.idleTtlMs <= 0) defaults = { ...defaults, idleTtlMs: DEFAULT_IDLE_TTL_MS };
    this.defaults = defaults;
    for (const s of hosts) {
      const prev = this.#hostSettings.get(s.host);
      this.#hostSettings.set(s.host, mergeSettings(s, prev ?? defaults));
    }
  }

  /** Called on every state change of every breaker (metrics, the swarm). */
  onTransition(l: TransitionListener): void {
    this.#listeners.push(l);
  }

  /** Called for every breaker created (the swarm wires its probe coordination). */
  onCreate(f: (b: Breaker) => void): void {
    this.#created.push(f);
  }

  /** The settings for `host` (host:port): by host:port, else by host name, else the defaults. */
  hostSettings(host: string): BreakerSettings {
    const exact = this.#hostSettings.get(host);
    if (exact !== undefined) return exact;
    if (this.#hostSettings.size === 0) return this.defaults;
    const colon = host.lastIndexOf(':');
    return (colon === -1 ? undefined : this.#hostSettings.get(host.slice(0, colon))) ?? this.defaults;
  }

  /**
   * The breaker for a request to `host`, given the route's settings (from a breaker filter) or null; null
   * when no breaker applies (none configured, or disableBreaker).
   */
  get(host: string, route: BreakerSettings | null): Breaker | null {
    const now = this.now();
    if (route === null) {
      const b = this.#byHost.get(host);
      if (b !== undefined && !b.evicted && now - b.lastUsed <= b.settings.idleTtlMs) {
        b.lastUsed = now;
        return b;
      }
      const s = this.hostSettings(host);
      if (s.type === 'none' || s.type === 'disabled') return null;
      const found = this.#get(host, s, now);
      this.#byHost.set(host, found);
      return found;
    }
    if (route.type === 'disabled') return null;
    const s = mergeSettings(route, this.hostSettings(host));
    if (s.type === 'none' || s.type === 'disabled') return null;
    return this.#get(host, s, now);
  }

  /** The breaker for `host` under settings already merged (a worker's breaker, asked of the instance owner). */
  forSettings(host: string, s: BreakerSettings): Breaker {
    return this.#get(host, s, this.now());
  }

  #get(host: string, s: BreakerSettings, now: number): Breaker {
    const key = `${host}|${settingsKey(s)}`;
    let b = this.#lookup.get(key);
    if (b === undefined || now - b.lastUsed > b.settings.idleTtlMs) {
      this.#dropIdle(now);
      b = new Breaker(host, key, s, (br, from, to, cause) => {
        for (const l of this.#listeners) l(br, from, to, cause);
      });
      this.#lookup.set(key, b);
      for (const f of this.#created) f(b);
    }
    b.lastUsed = now;
    return b;
  }

  #dropIdle(now: number): void {
    for (const [k, b] of this.#lookup) {
      if (now - b.lastUsed > b.settings.idleTtlMs) {
        b.evicted = true;
        this.#lookup.delete(k);
        if (this.#byHost.get(b.host) === b) this.#byHost.delete(b.host);
      }
    }
  }

  /** Every live breaker (metrics, the swarm). */
  breakers(): IterableIterator<Breaker> {
    return this.#lookup.values();
  }

  /** The live breaker with this key, if any. */
  byKey(key: string): Breaker | undefined {
    return this.#lookup.get(key);
  }
}
