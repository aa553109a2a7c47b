/**
 * The backend guard: the one place that may refuse or observe a backend call. It wraps each attempt
 * (the first try and every retry, per endpoint) the way undici's interceptors wrap a dispatch, so breakers
 * and backend rate limits compose here instead of being special-cased inside the proxy. Declared by the
 * proxy, which consumes it; src/circuit and src/ratelimit implement it; the composition root composes them.
 */

/** What a guard knows of one attempt before it is made. */
export interface AttemptInfo {
  /** The matched route's id. */
  readonly routeId: string;
  /** host:port of the endpoint this attempt goes to (the endpoint registry key). */
  readonly backendHost: string;
  /** scheme://host:port. */
  readonly origin: string;
  /** 0 for the first try, 1… for retries. */
  readonly attempt: number;
  readonly method: string;
  /** The request's state bag: filters leave per-route guard settings here (e.g. breaker or backendRatelimit). */
  readonly stateBag: ReadonlyMap<string, unknown>;
}

/** How an attempt ended. */
export interface AttemptOutcome {
  /** The backend's status; absent when the attempt failed before a response. */
  readonly status?: number;
  /** The error code (SKJ_ERR_…) when it failed before a response. */
  readonly error?: string;
  /** True when the failure was a timeout. */
  readonly timeout?: boolean;
  readonly durationMs: number;
}

/** A refusal: the attempt is not made and the client gets this answer through the proxy's one error map. */
export interface Refusal {
  /** A stable SKJ_ERR_… code, e.g. breaker open (503) or backend rate limited (429/503). */
  readonly code: string;
  readonly status: number;
  /** Extra response headers, e.g. Retry-After. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Why, for the log and the body. */
  readonly reason: string;
}

/**
 * Asked before each attempt and told its outcome. `before` may return a Promise (a shared store); the
 * proxy awaits only when one is returned. Every `before` that did not refuse is paired with one `after`.
 */
export interface BackendGuard {
  before(a: AttemptInfo): Refusal | undefined | Promise<Refusal | undefined>;
  after(a: AttemptInfo, outcome: AttemptOutcome): void;
}
