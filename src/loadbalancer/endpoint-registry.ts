/**
 * Endpoint statistics keyed by host:port, kept OUTSIDE the route table so a route update never resets them
 * (Skipper's routing.EndpointRegistry): detection time for fade-in, in-flight requests for the balancing
 * algorithms, and per-period request/failure counts for the passive health check.
 */
import type { Route, RouteTable } from '../routing/types.ts';
import { lbConfigOf } from './route-config.ts';
import { cachedBackendAddress } from '../net/index.ts';
import { commonEnds, runSliced, runSync, stepChunk, type SliceOptions, type Steps } from '../lifecycle/index.ts';

/** Skipper's -passive-health-check settings. */
export interface PassiveHealthCheckOptions {
  /** How often endpoint statistics are evaluated and reset (ms). */
  periodMs: number;
  /** An endpoint with no more requests than this in a period is never marked unhealthy. */
  minRequests: number;
  /** Failure ratios up to this are ignored; the smallest non-zero drop probability. */
  minDropProbability: number;
  /** The highest probability with which an unhealthy endpoint is left out of one request's choice. */
  maxDropProbability: number;
  /** When more than this share of a route's endpoints would be dropped, none is dropped. */
  maxUnhealthyEndpointsRatio: number;
}

/** Entries not part of any route table for this long are forgotten (Skipper's default). */
const LAST_SEEN_TIMEOUT_MS = 60_000;

/** Mutable statistics of one endpoint. */
export class EndpointStats {
  /** Epoch ms when the endpoint was first seen, or its creation time from endpointCreated, whichever is later. */
  detected = 0;
  lastSeen = 0;
  inflight = 0;
  /** Probability with which the passive health check leaves this endpoint out of one request's choice. */
  dropProbability = 0;
  /** scheme://host:port, for active probes; '' until a route table showed it. */
  origin = '';
  /**
   * In the actively checked pool: left out of every choice (drop probability 1, so retries skip it too)
   * until probes find it healthy again. Only with an active health check.
   */
  dropped = false;
  /** Round trips and failures in the current period; evaluation reads and resets them. */
  requests = 0;
  failures = 0;
  /** How many routes of the observed table name this endpoint. */
  routes = 0;
  /** In the registry's eviction candidates (no observed route names it). */
  absent = false;
}

/** The registry; one per process (or per proxy when none is passed in). */
export class EndpointRegistry {
  readonly #data = new Map<string, EndpointStats>();
  #healthTimer: NodeJS.Timeout | null = null;
  #health: PassiveHealthCheckOptions | null = null;
  /** Set when an active health check takes endpoints the passive check finds fully unhealthy. */
  #onDropped: ((host: string, e: EndpointStats) => void) | null = null;
  readonly #now: () => number;
  /** The routes of the last observed table. */
  #observedRoutes: readonly Route[] = [];
  #lastObserved = 0;
  /**
   * Entries no observed route names (created by a request, or gone from the tables): eviction candidates. How
   * many routes name an entry is counted on the entry itself: at a million routes a map of counts beside the
   * entries was ≈ 1.5 million more map entries, and five more map operations per endpoint in the first walk.
   */
  readonly #absent = new Set<string>();

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The statistics of host:port, created on first use. */
  get(host: string): EndpointStats {
    let e = this.#data.get(host);
    if (e === undefined) {
      e = this.#create(host, this.#now());
      e.absent = true;
      this.#absent.add(host);
    }
    return e;
  }

  #create(host: string, now: number): EndpointStats {
    const e = new EndpointStats();
    e.detected = e.lastSeen = now;
    this.#data.set(host, e);
    return e;
  }

  /** The statistics of host:port, or undefined when it has none. */
  peek(host: string): EndpointStats | undefined {
    return this.#data.get(host);
  }

  /** The registry's clock (injectable for tests). */
  now(): number {
    return this.#now();
  }

  get size(): number {
    return this.#data.size;
  }

  /**
   * Records the endpoints of a new route table generation: first sight sets the detection time, an
   * endpointCreated time later than it replaces it (the endpoint was recreated), and entries absent from
   * tables for a minute are dropped. Call once per generation, and not while an observeSliced() runs.
   *
   * Only the routes that differ from the previously observed table are walked (routes are compared by identity;
   * the incremental compile keeps the object of every unchanged route): each endpoint counts the observed
   * routes naming it, and one whose count drops to zero was last seen at the previous observation. A table
   * of 40,000 routes with one changed costs pointer comparisons, not 40,000 route walks.
   */
  observe(table: RouteTable): void {
    runSync(this.#observeSteps(table.routes));
  }

  /**
   * observe() in slices, returning to the event loop every few ms: what the proxy calls once it serves a new
   * table (the first table of a million routes is a walk of seconds). Tables handed in while one is walked
   * are not walked one by one: the latest is observed next. Resolves when the latest handed in is observed.
   * The walk is background work (slices.ts): it pauses while a route build runs.
   */
  observeSliced(table: RouteTable, o?: SliceOptions): Promise<void> {
    this.#pending = table;
    this.#walking ??= this.#drain(o).finally(() => (this.#walking = null));
    return this.#walking;
  }

  #pending: RouteTable | null = null;
  #walking: Promise<void> | null = null;

  async #drain(o?: SliceOptions): Promise<void> {
    // Not on the caller's path (a request that met the new table): the walk starts once the loop turns.
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (let t = this.#pending; t !== null; t = this.#pending) {
      this.#pending = null;
      // Background work: a route change built meanwhile is not slowed by it (the first change after a start-up
      // of a million routes ran beside this walk, ≈ 1 s, at half speed).
      await runSliced(this.#observeSteps(t.routes), { ...o, background: true });
    }
  }

  *#observeSteps(next: readonly Route[]): Steps<void> {
    const now = this.#now();
    const prev = this.#observedRoutes;
    const { prefix: p, suffix: s } = commonEnds(prev, next);
    const gone = new Set<Route>();
    for (let i = p; i < prev.length - s; i++) {
      if (i % (16 * stepChunk) === 0) yield;
      gone.add(prev[i]!);
    }
    // Additions first, so an endpoint moving from a removed route to an added one never counts zero.
    for (let i = p; i < next.length - s; i++) {
      if (i % stepChunk === 0) yield;
      const route = next[i]!;
      if (!gone.delete(route)) this.#countRoute(route, now, 1);
    }
    let k = 0;
    for (const route of gone) {
      if (++k % stepChunk === 0) yield;
      this.#countRoute(route, now, -1);
    }
    this.#observedRoutes = next;
    this.#lastObserved = now;
    const oldest = now - LAST_SEEN_TIMEOUT_MS;
    for (const key of this.#absent) {
      const e = this.#data.get(key);
      if (e === undefined) this.#absent.delete(key);
      else if (e.lastSeen < oldest) {
        this.#data.delete(key);
        this.#absent.delete(key);
      }
    }
  }

  #countRoute(route: Route, now: number, d: 1 | -1): void {
    try {
      if (route.lb !== null) {
        // Cached only for routes whose filters declare LB settings (route-config.ts): no entry per route.
        const cfg = lbConfigOf(route);
        for (const ep of cfg.endpoints) {
          const e = this.#count(ep.host, now, d);
          if (d === 1) {
            e.origin = ep.origin;
            const created = cfg.created.get(ep.host);
            if (created !== undefined && created > e.detected) e.detected = created;
          }
        }
      } else if (route.backendUrl !== null) {
        // The address the proxy dials, kept on the URL: one key string per URL, not one per route and walk.
        const a = cachedBackendAddress(route.backendUrl);
        const e = this.#count(a.key, now, d);
        if (d === 1) e.origin = a.origin;
      }
    } catch {
      // A route whose LB state cannot be built fails its own requests (503/500), not the observation.
    }
  }

  /** Counts a route naming `host` in or out of the observed table. */
  #count(host: string, now: number, d: 1 | -1): EndpointStats {
    const e = this.#data.get(host) ?? this.#create(host, now);
    const n = (e.routes += d);
    if (n > 0) {
      if (e.absent) {
        e.absent = false;
        this.#absent.delete(host);
      }
      e.lastSeen = now;
    } else {
      e.routes = 0;
      if (!e.absent) {
        e.absent = true;
        this.#absent.add(host);
      }
      // Present in every table observed until this one.
      e.lastSeen = this.#lastObserved;
    }
    return e;
  }

  /** Counts one backend round trip; `failed` means no response arrived (connect error, reset, timeout). */
  countRequest(stats: EndpointStats, failed: boolean): void {
    stats.requests++;
    if (failed) stats.failures++;
  }

  /** Starts evaluating the statistics every period (Skipper's passive health check). */
  startHealthCheck(o: PassiveHealthCheckOptions): void {
    if (!(o.periodMs > 0)) throw new Error(`passive health check: period must be a positive duration, got ${o.periodMs} ms`);
    this.stopHealthCheck();
    this.#health = o;
    this.#healthTimer = setInterval(() => this.evaluateHealth(), o.periodMs);
    this.#healthTimer.unref();
  }

  stopHealthCheck(): void {
    if (this.#healthTimer !== null) clearInterval(this.#healthTimer);
    this.#healthTimer = null;
  }

  get healthCheck(): PassiveHealthCheckOptions | null {
    return this.#health;
  }

  /**
   * Hands endpoints the passive check finds fully unhealthy (failure ratio at max-drop-probability) to an
   * active health check, which calls `restore` when they answer again. Null: no active pool.
   */
  setActivePool(onDropped: ((host: string, e: EndpointStats) => void) | null): void {
    this.#onDropped = onDropped;
    if (onDropped === null) for (const [host] of this.dropped()) this.restore(host);
  }

  /** The endpoints in the actively checked pool. */
  *dropped(): IterableIterator<[string, EndpointStats]> {
    for (const entry of this.#data) if (entry[1].dropped) yield entry;
  }

  /** Returns a dropped endpoint to rotation with fresh statistics. */
  restore(host: string): void {
    const e = this.#data.get(host);
    if (e === undefined || !e.dropped) return;
    e.dropped = false;
    e.dropProbability = 0;
    e.requests = e.failures = 0;
  }

  /** One period step: derive drop probabilities from the period that ends and start a fresh one. */
  evaluateHealth(): void {
    const o = this.#health;
    if (o === null) return;
    for (const [host, e] of this.#data) {
      const requests = e.requests;
      const failures = e.failures;
      e.requests = e.failures = 0;
      if (e.dropped) continue;
      let drop = 0;
      if (requests > o.minRequests) {
        const ratio = failures / requests;
        if (ratio > o.minDropProbability) drop = Math.min(ratio, o.maxDropProbability);
      }
      e.dropProbability = drop;
      if (this.#onDropped !== null && drop > 0 && drop >= o.maxDropProbability) {
        e.dropped = true;
        e.dropProbability = 1;
        this.#onDropped(host, e);
      }
    }
  }

  close(): void {
    this.stopHealthCheck();
  }
}
