/**
 * The actively checked pool: endpoints the passive health check finds fully unhealthy are taken out of
 * rotation (every choice and every retry skips them) and probed with an HTTP GET every `intervalMs`; after
 * `healthy` consecutive answers with a status below 400 they return with fresh statistics. Runs as a
 * Service, so the process role that owns the endpoint registry starts and stops it.
 *
 * Skipper has no active probing; its passive check only lowers a failing endpoint's share. This extension
 * is off unless -active-health-check is given, and it needs -passive-health-check to find the endpoints.
 */
import http from 'node:http';
import https from 'node:https';
import type { Service } from '../lifecycle/index.ts';
import type { EndpointRegistry } from './endpoint-registry.ts';

export interface ActiveHealthCheckOptions {
  /** Path (and query) probed on each dropped endpoint; default "/". */
  path: string;
  /** Time between probe rounds (ms). */
  intervalMs: number;
  /** A probe without an answer within this long failed (ms). */
  timeoutMs: number;
  /** Consecutive healthy probes needed to return (≥ 1). */
  healthy: number;
  /** Verify TLS certificates of https endpoints. */
  tlsVerify: boolean;
}

/** What the check reports (metrics, log). */
export interface ActiveHealthObserver {
  dropped(host: string): void;
  probe(host: string, healthy: boolean): void;
  restored(host: string): void;
}

/** One probe: resolves true for a status below 400 within the timeout, false otherwise; never rejects. */
export function probe(url: string, timeoutMs: number, tlsVerify: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      resolve(false);
      return;
    }
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(u, { method: 'GET', agent: false, timeout: timeoutMs, rejectUnauthorized: tlsVerify, headers: { 'user-agent': 'skipjack-health-check' } }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 400);
    });
    req.on('timeout', () => req.destroy(new Error('probe timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

export class ActiveHealthCheck implements Service {
  readonly name = 'active-health-check';
  readonly #registry: EndpointRegistry;
  readonly #o: ActiveHealthCheckOptions;
  readonly #observer: ActiveHealthObserver | null;
  /** Consecutive healthy probes per dropped host. */
  readonly #streak = new Map<string, number>();
  readonly #inFlight = new Set<string>();
  #timer: NodeJS.Timeout | null = null;
  #round: Promise<void> | null = null;

  constructor(registry: EndpointRegistry, o: ActiveHealthCheckOptions, observer: ActiveHealthObserver | null = null) {
    if (!(o.intervalMs > 0)) throw new Error(`active health check: interval must be positive, got ${o.intervalMs} ms`);
    this.#registry = registry;
    this.#o = { ...o, healthy: Math.max(1, o.healthy) };
    this.#observer = observer;
  }

  async start(): Promise<void> {
    if (this.#timer !== null) return;
    this.#registry.setActivePool((host) => {
      this.#streak.set(host, 0);
      this.#observer?.dropped(host);
    });
    this.#timer = setInterval(() => {
      if (this.#round === null) this.#round = this.probeRound().finally(() => (this.#round = null));
    }, this.#o.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#registry.setActivePool(null);
    await this.#round;
    this.#streak.clear();
  }

  ready(): boolean {
    return this.#timer !== null;
  }

  /** Probes every dropped endpoint once (concurrently); exposed for tests. */
  async probeRound(): Promise<void> {
    const probes: Promise<void>[] = [];
    for (const [host, e] of this.#registry.dropped()) {
      if (this.#inFlight.has(host)) continue;
      this.#inFlight.add(host);
      const origin = e.origin !== '' ? e.origin : `http://${host}`;
      probes.push(probe(origin + this.#o.path, this.#o.timeoutMs, this.#o.tlsVerify).then((ok) => {
        this.#inFlight.delete(host);
        this.#observer?.probe(host, ok);
        const n = ok ? (this.#streak.get(host) ?? 0) + 1 : 0;
        if (n >= this.#o.healthy) {
          this.#streak.delete(host);
          this.#registry.restore(host);
          this.#observer?.restored(host);
        } else {
          this.#streak.set(host, n);
        }
      }));
    }
    await Promise.all(probes);
  }
}
