/**
 * The backend guard: the one place that may refuse or observe a backend call. It wraps each attempt
 * (the first try and every retry on another endpoint; a replay on the same endpoint after its pooled
 * connection broke runs under the pass of the try it replays and is told once, with the final outcome)
 * the way undici's interceptors wrap a dispatch, so breakers and backend rate limits compose here instead of
 * being special-cased inside the proxy. Declared by the proxy, which consumes it; src/circuit and
 * src/ratelimit implement it; the composition root composes them.
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
  /**
   * True when the client went away before the attempt ended: says nothing about the backend, so breakers
   * do not count it (extension of the original port).
   */
  readonly clientGone?: boolean;
  /**
   * True when the attempt was never made because a later guard in a composition refused it; the guards that
   * had allowed it learn this in place of an outcome (a half-open breaker frees its probe slot).
   */
  readonly refused?: boolean;
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

function isThenable<T>(v: unknown): v is PromiseLike<T> {
  return v !== null && typeof v === 'object' && typeof (v as PromiseLike<T>).then === 'function';
}

/** The outcome the guards before a refusing one are told. */
function refusedOutcome(r: Refusal): AttemptOutcome {
  return { error: r.code, refused: true, durationMs: 0 };
}

/**
 * One guard made of several, asked in order: the first refusal wins, and the guards that had already
 * allowed the attempt are told it was refused (so every allowing `before` still gets its one `after`).
 * Synchronous while every member answers synchronously; null for an empty list, so the proxy's hot path
 * checks one pointer when no guard is configured.
 */
export function composeGuards(guards: readonly BackendGuard[]): BackendGuard | null {
  if (guards.length === 0) return null;
  if (guards.length === 1) return guards[0]!;
  const list = guards.slice();
  const unwind = (a: AttemptInfo, upTo: number, r: Refusal): Refusal => {
    const o = refusedOutcome(r);
    for (let j = 0; j < upTo; j++) list[j]!.after(a, o);
    return r;
  };
  const from = (a: AttemptInfo, i: number): Refusal | undefined | Promise<Refusal | undefined> => {
    for (; i < list.length; i++) {
      const r = list[i]!.before(a);
      if (isThenable<Refusal | undefined>(r)) {
        const at = i;
        return Promise.resolve(r).then(
          (v) => (v !== undefined ? unwind(a, at, v) : from(a, at + 1)),
          (e: unknown) => {
            unwind(a, at, { code: 'SKJ_ERR_PROXY_GUARD_FAILED', status: 500, reason: String(e) });
            throw e;
          },
        );
      }
      if (r !== undefined) return unwind(a, i, r);
    }
    return undefined;
  };
  return {
    before: (a) => from(a, 0),
    after(a, outcome) {
      for (let i = list.length - 1; i >= 0; i--) list[i]!.after(a, outcome);
    },
  };
}

/** An undici-style layer: takes the guard inside it and returns the guard around it. */
export type GuardLayer = (inner: BackendGuard) => BackendGuard;

/** A guard that allows everything: the innermost of a layered composition. */
export const ALLOW_ALL: BackendGuard = { before: () => undefined, after() {} };

/** Applies layers outermost-first around ALLOW_ALL, the way undici composes `dispatch => dispatch`. */
export function layerGuards(layers: readonly GuardLayer[]): BackendGuard | null {
  if (layers.length === 0) return null;
  let g = ALLOW_ALL;
  for (let i = layers.length - 1; i >= 0; i--) g = layers[i]!(g);
  return g;
}
