/**
 * One circuit breaker with Skipper's semantics (gobreaker's two-step breaker under consecutiveBreaker and
 * rateBreaker). Closed: every request is let through and counted; the breaker opens when `failures`
 * consecutive requests failed (consecutive) or `failures` of the last `window` requests failed (rate).
 * Open: requests are refused until `timeout` has passed. Half-open: `halfOpenRequests` probes are let
 * through; that many successes close it, one failure opens it again. Results of requests let through in
 * an earlier state (an earlier generation) are ignored.
 *
 * opossum (installed) was not used here: it wraps an action in `fire()` and trips on an error percentage
 * over time buckets with a single half-open trial, while Skipper's semantics need a two-step
 * allow/done, consecutive counting, a request-count window and N half-open probes.
 */
import { BinarySampler } from './binary-sampler.ts';
import { DEFAULT_TIMEOUT_MS, type BreakerSettings } from './settings.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** Told of every state change; `cause` says whether local evidence or the swarm caused it. */
export type TransitionListener = (b: Breaker, from: BreakerState, to: BreakerState, cause: 'local' | 'swarm') => void;

/** What `allow` hands out: the generation the request was let through in. */
export type Ticket = number;

/** The answer of `allow` when the request is refused. */
export const REFUSED: Ticket = -1;

export class Breaker {
  readonly settings: BreakerSettings;
  /** The backend host (host:port) this breaker guards. */
  readonly host: string;
  /** Registry key: host and settings. */
  readonly key: string;
  state: BreakerState = 'closed';
  /** Set when the registry dropped this breaker (idle); holders must look it up again. */
  evicted = false;
  /** When it was last asked (ms since epoch), for idle-ttl. */
  lastUsed = 0;
  /** True while the breaker is open because the swarm reached quorum (shared.ts), not on local evidence. */
  fleetOpen = false;
  /** Local consecutive failures while closed (the evidence shared with the swarm). */
  consecutiveFailures = 0;
  #generation = 0;
  #requests = 0;
  #consecutiveSuccesses = 0;
  #expiry = 0;
  readonly #maxRequests: number;
  readonly #timeoutMs: number;
  readonly #sampler: BinarySampler | null;
  readonly #onTransition: TransitionListener;
  /** When the breaker last opened (ms since epoch). */
  openedAt = 0;
  /** Overridable by shared breakers: may this instance probe now that the timeout passed? */
  mayProbe: (b: Breaker) => boolean = () => true;
  /** Set by shared breakers: told every counted result (after the state was updated). */
  onResult: ((b: Breaker, success: boolean, failures: number) => void) | null = null;

  constructor(host: string, key: string, settings: BreakerSettings, onTransition: TransitionListener) {
    this.host = host;
    this.key = key;
    this.settings = settings;
    this.#maxRequests = settings.halfOpenRequests > 0 ? settings.halfOpenRequests : 1;
    this.#timeoutMs = settings.timeoutMs > 0 ? settings.timeoutMs : DEFAULT_TIMEOUT_MS;
    this.#sampler = settings.type === 'rate' ? new BinarySampler(settings.window) : null;
    this.#onTransition = onTransition;
  }

  /** Failures counted toward opening: consecutive, or within the rate window. */
  get failureCount(): number {
    return this.#sampler === null ? this.consecutiveFailures : this.#sampler.count;
  }

  /** Lets a request through (its ticket) or refuses it (REFUSED). */
  allow(now: number): Ticket {
    if (this.state === 'open') {
      if (now < this.#expiry || !this.mayProbe(this)) return REFUSED;
      this.#set('half-open', now, this.fleetOpen ? 'swarm' : 'local');
    }
    if (this.state === 'half-open' && this.#requests >= this.#maxRequests) return REFUSED;
    this.#requests++;
    return this.#generation;
  }

  /** The result of a request let through with `ticket`; `success` as Skipper counts it (no error, status < 500). */
  done(ticket: Ticket, success: boolean, now: number): void {
    const before = this.failureCount;
    if (this.#sampler !== null) this.#sampler.tick(!success);
    if (ticket !== this.#generation) return;
    // The evidence as of this result, before a transition resets the counts.
    const counted = this.#sampler !== null ? this.#sampler.count : success ? 0 : this.consecutiveFailures + 1;
    if (success) {
      this.consecutiveFailures = 0;
      if (this.state === 'half-open' && ++this.#consecutiveSuccesses >= this.#maxRequests) this.#set('closed', now, 'local');
    } else {
      this.consecutiveFailures++;
      this.#consecutiveSuccesses = 0;
      if (this.state === 'half-open') this.#set('open', now, 'local');
      else if (this.state === 'closed' && this.failureCount >= this.settings.failures) this.#set('open', now, 'local');
    }
    // Successes that leave the failure count as it was are not news for the swarm.
    if (this.onResult !== null && (!success || counted !== before)) this.onResult(this, success, counted);
  }

  /** A request let through that never ran (a later guard refused it, or the client left): frees its slot. */
  release(ticket: Ticket): void {
    if (ticket === this.#generation && this.state === 'half-open' && this.#requests > 0) this.#requests--;
  }

  /** Opens the breaker on the swarm's word (quorum reached, or a fleet probe failed). */
  openBySwarm(now: number): void {
    this.fleetOpen = true;
    if (this.state !== 'open') this.#set('open', now, 'swarm');
    else {
      this.#expiry = now + this.#timeoutMs;
      this.openedAt = now;
    }
  }

  /** The open timeout in effect (ms). */
  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /** The current generation: the ticket `allow` hands out now (the instance owner tells workers). */
  get generation(): number {
    return this.#generation;
  }

  /** Probes allowed in half-open state. */
  get maxProbes(): number {
    return this.#maxRequests;
  }

  /** Closes a swarm-opened breaker when the fleet's probes succeeded elsewhere. */
  closeBySwarm(now: number): void {
    if (this.state !== 'closed' && this.fleetOpen) this.#set('closed', now, 'swarm');
  }

  #set(to: BreakerState, now: number, cause: 'local' | 'swarm'): void {
    const from = this.state;
    this.state = to;
    this.#generation++;
    this.#requests = 0;
    this.#consecutiveSuccesses = 0;
    this.consecutiveFailures = 0;
    if (to === 'open') {
      this.#expiry = now + this.#timeoutMs;
      this.openedAt = now;
    }
    if (to === 'closed') this.fleetOpen = false;
    this.#onTransition(this, from, to, cause);
  }
}
