/**
 * Calls the backend of a network, `<dynamic>`, `<forward>` or load-balanced route. LB routes pick an
 * endpoint per attempt and retry on another endpoint only when that is safe: the failure happened before
 * the connection carried anything (refused, DNS, TLS, connect timeout), or it broke and the request is
 * idempotent; in both cases no body byte may have left, since bodies are streamed, never buffered.
 */
import { backendAddressOf, cachedBackendAddress, clientAddress, type BackendAddress } from '../net/index.ts';
import type { FilterResponse } from '../routing/filter-contract.ts';
import type { EndpointRegistry } from '../loadbalancer/index.ts';
import { lbConfigOf } from '../loadbalancer/index.ts';
import { selectEndpoint } from '../loadbalancer/index.ts';
import type { LbEndpoint, LbRequest } from '../loadbalancer/index.ts';
import type { Route } from '../routing/types.ts';
import type { Abort } from './abort.ts';
import type { RequestContext } from './context.ts';
import { errorCode, ProxyError, refused } from './errors.ts';
import type { AttemptInfo, AttemptOutcome, BackendGuard, Refusal } from './guard.ts';
import type { ProxyObserver } from './types.ts';
import type { Attempt, BackendPools } from './backend-pools.ts';

/** RFC 9110 §9.2.2. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
/** The backendHost reported for `<dynamic>` routes. */
export const DYNAMIC_HOST = '<dynamic>';
/** Attempts per request on an LB route, however many endpoints it has. */
const MAX_ATTEMPTS = 3;

/** Where one attempt goes. */
/** What backend calls need from the proxy. */
export interface BackendDeps {
  pools: BackendPools;
  registry: EndpointRegistry;
  observer: ProxyObserver | null;
  /** Where `<forward>` routes go (Skipper's -forward-backend-url), null when not configured. */
  forward: BackendAddress | null;
  /** Asked before and told after every attempt; null when none is configured (the hot path checks only this). */
  guard: BackendGuard | null;
}

/** An attempt the guard refused: never sent, so neither retryable nor counted against the endpoint. */
const EMPTY_BAG: ReadonlyMap<string, unknown> = new Map();

/** The shape of an attempt the guard refused (its error is filled in per refusal). */
const REFUSED: Attempt = { response: null, error: null, bodyStarted: false };

function isThenable(v: unknown): v is PromiseLike<Refusal | undefined> {
  return v !== null && typeof v === 'object' && typeof (v as PromiseLike<unknown>).then === 'function';
}

function retryable(a: Attempt, method: string): boolean {
  const e = a.error!;
  if (e.clientGone || a.bodyStarted) return false;
  return e.phase === 'connect' || (e.phase === 'reset' && IDEMPOTENT.has(method));
}

/**
 * The guard's pass for the endpoint tried last, whose `after` is still owed. A replay on the same endpoint
 * (a pooled connection that broke as it was reused, sent once more the way Go's transport does) runs under
 * the pass of the attempt it replays: the guard sees one request to that endpoint, told its final outcome, as
 * Skipper's breaker sees one round trip whatever its transport retried. Asking and telling per try counted a
 * retried failure twice (a consecutiveBreaker(5) opened after 3 requests). Null without a guard.
 */
interface GuardPass {
  info: AttemptInfo | null;
  outcome: AttemptOutcome | null;
}

/** Tells the guard the outcome owed for the pass, if any. */
function settle(guard: BackendGuard, pass: GuardPass): void {
  const info = pass.info;
  if (info === null) return;
  const outcome = pass.outcome!;
  pass.info = null;
  pass.outcome = null;
  guard.after(info, outcome);
}

/**
 * One attempt. With a guard, it is asked first, unless `pass` already holds this endpoint's pass (a replay);
 * a refusal returns an Attempt whose error carries the refusal (phase 'refused'), and the backend is not
 * contacted. The outcome is left in `pass` for settle(), called once the request moves on or ends.
 */
async function attempt(
  d: BackendDeps, ctx: RequestContext, route: Route, t: BackendAddress, signal: Abort, n: number, pass: GuardPass | null,
): Promise<Attempt> {
  // `<dynamic>` hosts come from the request: keeping statistics or metric labels per host would let
  // clients grow both without bound (Skipper keeps no endpoint metrics for them either).
  const dynamic = route.def.backendType === 'dynamic';
  if (pass !== null && (pass.info === null || pass.info.backendHost !== t.key)) {
    settle(d.guard!, pass);
    const info: AttemptInfo = { routeId: route.id, backendHost: t.key, origin: t.origin, attempt: n, method: ctx.request.method, stateBag: ctx.stateBagIfAny ?? EMPTY_BAG };
    let r: Refusal | undefined | Promise<Refusal | undefined>;
    try {
      r = d.guard!.before(info);
      if (isThenable(r)) r = await r;
    } catch (e) {
      throw new ProxyError('SKJ_ERR_PROXY_GUARD_FAILED', `backend guard failed for ${t.key}: ${(e as Error).message}`, { cause: e });
    }
    if (r !== undefined) return { ...REFUSED, error: refused(r, t.key) };
    pass.info = info;
  }
  const stats = dynamic ? null : d.registry.get(t.key);
  ctx.backendHost = dynamic ? DYNAMIC_HOST : t.key;
  const start = performance.now();
  if (stats !== null) stats.inflight++;
  let a: Attempt;
  try {
    a = await d.pools.send(ctx, t.origin, ctx.outgoingHost ?? t.authority, signal, ctx.settingsIfAny?.backendTimeoutMs ?? 0);
  } finally {
    if (stats !== null) stats.inflight--;
  }
  if (stats !== null && (a.error === null || !a.error.clientGone)) d.registry.countRequest(stats, a.error !== null);
  const durationMs = performance.now() - start;
  ctx.backendMs += durationMs;
  if (pass !== null) {
    const e = a.error;
    pass.outcome = e === null
      ? { status: a.response!.status, durationMs }
      : { error: e.code, timeout: e.code === 'SKJ_ERR_PROXY_BACKEND_TIMEOUT', clientGone: e.clientGone, durationMs };
  }
  if (d.observer?.backendDone !== undefined) {
    d.observer.backendDone({
      routeId: route.id,
      backendHost: dynamic ? DYNAMIC_HOST : t.key,
      status: a.response?.status,
      error: a.error === null ? undefined : errorCode(a.error),
      durationMs,
    });
  }
  return a;
}

/** True for an attempt the guard refused. */
function wasRefused(a: Attempt): boolean {
  return a.response === null && a.error !== null && a.error.status !== undefined;
}

function fixedBackendAddress(ctx: RequestContext, route: Route, d: BackendDeps): BackendAddress {
  switch (route.def.backendType) {
    case 'network': {
      return cachedBackendAddress(route.backendUrl!);
    }
    case 'dynamic': {
      // Skipper: the URL set by setDynamicBackend… filters, else the request's own Host and scheme.
      const raw = ctx.dynamicBackendUrl ?? `${ctx.original.protocol}://${ctx.original.host}`;
      let u: URL;
      try {
        u = new URL(raw);
      } catch {
        throw new ProxyError('SKJ_ERR_ROUTE_INVALID_BACKEND', `route ${route.id}: invalid dynamic backend ${JSON.stringify(raw)}`);
      }
      return backendAddressOf(u);
    }
    case 'forward':
      if (d.forward === null) {
        throw new ProxyError('SKJ_ERR_ROUTE_INVALID_BACKEND', `route ${route.id}: <forward> backend but no forward backend URL is configured`);
      }
      return d.forward;
    default:
      throw new ProxyError('SKJ_ERR_ROUTE_INVALID_BACKEND', `route ${route.id}: backend type ${route.def.backendType} cannot be called`);
  }
}

/**
 * What the balancing algorithm needs of this request. The hash key is the consistentHashKey setting, else
 * the client as Skipper's net.RemoteHost sees it: the first X-Forwarded-For entry, else the peer address.
 * Only consistentHash reads it, so it is worked out on first read, not for every balanced request.
 */
class BalancedRequest implements LbRequest {
  readonly #ctx: RequestContext;
  readonly #registry: EndpointRegistry;
  #hashKey: string | null = null;
  readonly balanceFactor: number | undefined;
  constructor(ctx: RequestContext, registry: EndpointRegistry) {
    this.#ctx = ctx;
    this.#registry = registry;
    this.balanceFactor = ctx.settingsIfAny?.consistentHashBalanceFactor;
  }
  get hashKey(): string {
    return (this.#hashKey ??= this.#ctx.settingsIfAny?.consistentHashKey ?? clientHost(this.#ctx));
  }
  inflight(ep: LbEndpoint): number {
    return this.#registry.peek(ep.host)?.inflight ?? 0;
  }
}

function lbRequestOf(ctx: RequestContext, registry: EndpointRegistry): LbRequest {
  return new BalancedRequest(ctx, registry);
}

function clientHost(ctx: RequestContext): string {
  const a = clientAddress(ctx.original.remoteAddress, ctx.request.headers['x-forwarded-for'], 'first');
  return a === '' ? ctx.original.remoteAddress : a;
}

/** Calls the route's backend; resolves with the response (body streaming) or throws a ProxyError. */
export function callBackend(d: BackendDeps, ctx: RequestContext, route: Route, signal: Abort): Promise<FilterResponse> {
  if (d.guard === null) return route.lb === null ? callFixed(d, ctx, route, signal, null) : callBalanced(d, ctx, route, signal, null);
  return guarded(d, ctx, route, signal);
}

/** callBackend with a guard: its last `after` is owed whether the call resolves or throws. */
async function guarded(d: BackendDeps, ctx: RequestContext, route: Route, signal: Abort): Promise<FilterResponse> {
  const pass: GuardPass = { info: null, outcome: null };
  try {
    return await (route.lb === null ? callFixed(d, ctx, route, signal, pass) : callBalanced(d, ctx, route, signal, pass));
  } finally {
    settle(d.guard!, pass);
  }
}

async function callFixed(d: BackendDeps, ctx: RequestContext, route: Route, signal: Abort, pass: GuardPass | null): Promise<FilterResponse> {
  const t = fixedBackendAddress(ctx, route, d);
  let a = await attempt(d, ctx, route, t, signal, 0, pass);
  // A pooled connection the backend closed just as it was reused breaks before any response; like Go's
  // transport, send a replayable idempotent request once more (undici opens a fresh connection).
  if (a.error !== null && a.error.phase === 'reset' && retryable(a, ctx.request.method)) a = await attempt(d, ctx, route, t, signal, 1, pass);
  if (a.error !== null) throw a.error;
  return a.response!;
}

async function callBalanced(d: BackendDeps, ctx: RequestContext, route: Route, signal: Abort, pass: GuardPass | null): Promise<FilterResponse> {
  const lb = route.lb!;
  if (lb.endpoints.length === 0) throw new ProxyError('SKJ_ERR_PROXY_NO_ENDPOINTS', `route ${route.id} has no endpoints`);
  const cfg = lbConfigOf(route);
  const registry = d.registry;
  const lbReq = lbRequestOf(ctx, registry);
  const endpoints = cfg.endpoints.length;
  const attempts = Math.min(MAX_ATTEMPTS, endpoints);
  let failed: Set<LbEndpoint> | null = null;
  // Refused endpoints (open breaker, backend rate limit) cost no attempt: the request moves on to another
  // endpoint, so a retry never goes to an endpoint whose breaker is open. `tried` bounds the walk.
  let sent = 0;
  for (let tried = 1; ; tried++) {
    const ep = selectEndpoint(cfg, registry, lbReq, failed);
    const a = await attempt(d, ctx, route, { origin: ep.origin, key: ep.host, authority: ep.authority }, signal, tried - 1, pass);
    if (a.error === null) return a.response!;
    if (wasRefused(a)) {
      if (tried >= endpoints) throw a.error;
      ctx.log('debug', `endpoint ${ep.host} refused: ${a.error.message}`);
      (failed ??= new Set()).add(ep);
      continue;
    }
    sent++;
    // With one endpoint, a broken reused connection is retried there once, as for network backends.
    const last = sent >= attempts && !(sent === 1 && attempts === 1 && a.error.phase === 'reset');
    if (last || !retryable(a, ctx.request.method)) throw a.error;
    ctx.log('debug', `retrying on another endpoint after ${ep.host} failed: ${a.error.message}`);
    (failed ??= new Set()).add(ep);
  }
}

/** One target for the route without calling it (protocol upgrades: a single attempt, no retry). */
export function resolveBackendAddress(d: BackendDeps, ctx: RequestContext, route: Route): BackendAddress {
  if (route.lb === null) return fixedBackendAddress(ctx, route, d);
  if (route.lb.endpoints.length === 0) throw new ProxyError('SKJ_ERR_PROXY_NO_ENDPOINTS', `route ${route.id} has no endpoints`);
  const cfg = lbConfigOf(route);
  const ep = selectEndpoint(cfg, d.registry, lbRequestOf(ctx, d.registry), null);
  return { origin: ep.origin, key: ep.host, authority: ep.authority };
}
