/**
 * The proxy engine: route lookup on a pinned table generation, the filter chain, the backend call and the
 * response stream. Listeners, metrics and logs live elsewhere and plug in through ProxyOptions and
 * ProxyObserver.
 */
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FilterInstance, FilterResponse, ShadowRequest } from '../routing/filter-contract.ts';
import { EndpointRegistry } from '../loadbalancer/index.ts';
import type { Route, RouteTable } from '../routing/types.ts';
import { Abort } from './abort.ts';
import { callBackend, resolveBackendAddress, type BackendDeps } from './backend.ts';
import { Lease, RequestContext, type Engine } from './context.ts';
import { classifyUpstreamError, clientGone, errorCode, errorStatus, ProxyError, writeTimedOut } from './errors.ts';
import { composeGuards, type BackendGuard } from './guard.ts';
import { responseFiltersAfterServe, runRequestFilters, runResponseFilters } from './filter-chain.ts';
import { backendAddressOf, forwardedSetter } from '../net/index.ts';
import { discard, errorResponse, writeError, writeResponse, type ByteCounter } from './respond.ts';
import { routingRequest } from './routing-request.ts';
import { upgradeBackend, UPGRADED, type UpgradeClient } from './upgrade.ts';
import { UnreadBody } from './unread-body.ts';
import { BackendPools } from './backend-pools.ts';
import type { Proxy, ProxyLogger, ProxyObserver, ProxyOptions, TableSource } from './types.ts';
import { armReadTimeout, armWriteTimeout, WRITE_TIMEOUT } from './timeouts.ts';
import { checkFraming } from './validate.ts';
import { checkPath } from './routing-request.ts';

export type { Proxy, ProxyObserver, ProxyOptions, RequestDoneEvent, BackendDoneEvent, PassiveHealthCheckOptions } from './types.ts';

const EMPTY_BAG: ReadonlyMap<string, unknown> = new Map();

/** Where a request's backend attempts get the switch that the client's disconnect flips. */
interface AbortSource {
  abortSwitch(): Abort;
}

/** teeLoopback shadows: nobody waits for them, so nothing aborts them; a fresh switch each time. */
const NEVER_ABORTED: AbortSource = { abortSwitch: () => new Abort() };

const consoleLogger: ProxyLogger = {
  debug() {},
  info() {},
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};

/**
 * Creates the proxy. `holder` hands out the current table generation; each request pins the one it got
 * (loopbacks and teeLoopback shadows included) and gives it back with done() when it ends.
 */
export function createProxy(holder: TableSource, options: ProxyOptions = {}, observer?: ProxyObserver): Proxy {
  // Skipper: 0 means the default, a negative value disables loopbacks.
  const maxLoopbacks = options.maxLoopbacks === undefined || options.maxLoopbacks === 0 ? 9 : Math.max(0, options.maxLoopbacks);
  const protocol = options.protocol ?? 'http';
  const preserveHost = options.preserveHost ?? false;
  const removeHop = options.removeHopHeaders ?? true;
  const setForwarded = forwardedSetter(options.forwardedHeaders, options.forwardedHeadersExcludeCidrs);
  const logger = options.logger ?? consoleLogger;
  const obs = observer ?? null;
  const registry = options.endpoints ?? new EndpointRegistry();
  const ownsRegistry = options.endpoints === undefined;
  if (options.passiveHealthCheck != null) registry.startHealthCheck(options.passiveHealthCheck);
  const connectTimeoutMs = options.backendTimeoutMs ?? 60_000;
  const tlsVerify = options.tlsVerify ?? true;
  const upgradeEnabled = options.experimentalUpgrade ?? false;
  const serverWriteTimeoutMs = options.serverWriteTimeoutMs ?? 0;
  const pools = new BackendPools({
    connectTimeoutMs,
    responseHeaderTimeoutMs: options.responseHeaderTimeoutMs ?? 60_000,
    tcpKeepAliveMs: options.keepAlive ?? 30_000,
    idleTimeoutMs: options.closeIdleConnsPeriodMs ?? 20_000,
    removeHopHeaders: removeHop,
    tlsVerify,
    idleCaps: { perHost: options.maxIdleConnsPerHost ?? 0, total: options.maxIdleConns ?? 0 },
  });
  const deps: BackendDeps = {
    pools,
    registry,
    observer: obs,
    forward: options.forwardBackendUrl != null ? backendAddressOf(parseUrl('forwardBackendUrl', options.forwardBackendUrl)) : null,
    guard: guardOf(options.guard),
  };
  let observed: RouteTable | null = null;
  let closing: Promise<void> | null = null;

  const engine: Engine = {
    log: (level, message) => logger[level](message),
    shadow(parent, req) {
      const ctx = new RequestContext(
        { method: req.method, path: req.path, rawQuery: req.rawQuery, headers: req.headers, body: req.body },
        parent.original, preserveHost ? parent.original.host : null, parent.lease, engine, parent.depth + 1,
      );
      parent.lease.hold();
      routeRequest(ctx, NEVER_ABORTED).then(
        (r) => discard(r.body, true),
        (err: unknown) => logger.warn(`teeLoopback from route ${parent.routeId} failed: ${(err as Error).message}`),
      ).finally(() => parent.lease.release());
    },
  };

  /** Finds the route for ctx.request in the pinned table and runs it; resolves with the response to send. */
  async function routeRequest(ctx: RequestContext, signal: AbortSource): Promise<FilterResponse> {
    // Loopbacks and teeLoopback shadows both count (Skipper's execution counter), so neither can recurse forever.
    if (ctx.depth > maxLoopbacks) {
      throw new ProxyError('SKJ_ERR_PROXY_MAX_LOOPBACKS', `more than ${maxLoopbacks} loopbacks, last route ${ctx.routeId}`);
    }
    const req = ctx.request;
    const host = ctx.depth === 0 ? ctx.original.host : hostHeader(req.headers.host) ?? ctx.original.host;
    const match = ctx.lease.table.lookup(ctx.depth === 0 && ctx.routing !== null
      ? ctx.routing
      : routingRequest(req.method, host, req.path, req.rawQuery, req.headers, ctx.original.remoteAddress));
    if (match === null) {
      throw new ProxyError('SKJ_ERR_PROXY_NO_ROUTE', `no route for ${req.method} ${host}${req.path}`);
    }
    const route = match.route;
    ctx.routeId = route.id;
    ctx.served = false;
    ctx.pathParams = ctx.depth === 0 ? match.params : { ...ctx.pathParams, ...match.params };
    let responseFilters = route.responseFilters;
    if (route.requestFilters !== null) {
      let at = runRequestFilters(route.requestFilters, ctx);
      if (typeof at !== 'number') at = await at;
      if (at !== -1) responseFilters = responseFiltersAfterServe(route, at);
    }
    if (!ctx.served) {
      try {
        ctx.response = await runBackend(ctx, route, signal);
      } catch (err) {
        // Skipper's makeErrorResponse + applyFiltersOnError: the proxy-made error response goes through the
        // response hooks of the filters that handle errors (and only those), in reverse order.
        const handlers = responseFilters === null ? null : errorHandlers(responseFilters);
        // Also when the client went away: queue filters must free their slot (Skipper answers 499 through them).
        if (handlers === null || !(err instanceof ProxyError)) throw err;
        logProxyError(ctx, err);
        ctx.response = errorResponse(err);
        const p = runResponseFilters(handlers, ctx);
        if (p !== undefined) await p;
        return ctx.response!;
      }
    }
    if (ctx.response === UPGRADED) return UPGRADED;
    if (responseFilters !== null && responseFilters.length > 0) {
      const body = ctx.response!.body;
      try {
        const p = runResponseFilters(responseFilters, ctx);
        if (p !== undefined) await p;
      } catch (e) {
        discard(body);
        discard(ctx.response?.body);
        // Filters that handle errors still see the failure (a queue slot must not leak).
        const handlers = errorHandlers(responseFilters);
        if (handlers !== null) {
          ctx.response = errorResponse(e);
          try {
            const p = runResponseFilters(handlers, ctx);
            if (p !== undefined) await p;
          } catch {
            // The first failure is the one reported.
          }
          discard(ctx.response?.body);
        }
        throw e;
      }
      // A filter that replaced the body may still read the old one (compress pipes it, a generator reads it
      // lazily), so it is only dropped when the exchange is over; unread, it would hold its connection.
      if (body !== null && ctx.response!.body !== body) ctx.replaced = body;
    }
    return ctx.response!;
  }

  /** Not async itself: a network or LB backend returns callBackend's promise as it is. */
  function runBackend(ctx: RequestContext, route: Route, signal: AbortSource): FilterResponse | Promise<FilterResponse> {
    switch (route.def.backendType) {
      case 'shunt':
        // A filter may have prepared the response (status(), inlineContent without serving).
        return ctx.response ?? { status: 404, headers: {}, body: null };
      case 'loopback':
        return loopback(ctx, signal);
      default:
        if (ctx.outgoingHost === null) {
          // A filter that rewrote the Host header means the outgoing host (Skipper's setRequestHeader("Host")).
          const h = hostHeader(ctx.request.headers.host);
          if (h !== undefined && h !== ctx.original.host) ctx.outgoingHost = h;
        }
        if (ctx.upgrade !== null) {
          const t = resolveBackendAddress(deps, ctx, route);
          return upgradeBackend(ctx, ctx.upgrade, t.origin, ctx.outgoingHost ?? t.authority, removeHop, tlsVerify, connectTimeoutMs);
        }
        armReadTimeout(ctx);
        return callBackend(deps, ctx, route, signal.abortSwitch());
    }
  }

  async function loopback(ctx: RequestContext, signal: AbortSource): Promise<FilterResponse> {
    const routeId = ctx.routeId;
    const params = ctx.pathParams;
    ctx.depth++;
    const r = await routeRequest(ctx, signal);
    ctx.routeId = routeId;
    ctx.pathParams = params;
    ctx.served = false;
    return r;
  }

  function logProxyError(ctx: RequestContext, err: unknown): void {
    const status = errorStatus(err);
    if (status >= 500) logger.error(`error while proxying, route ${ctx.routeId || '-'}, ${ctx.original.method} ${ctx.original.host}${ctx.original.path}: ${(err as Error).message}`);
    else logger.debug(`${status} for ${ctx.original.method} ${ctx.original.host}${ctx.original.path}: ${(err as Error).message}`);
  }

  /** Never throws: a failure before the request is under way is answered 500 and its lease given back. */
  function handleRequest(req: IncomingMessage, res: ServerResponse, upgrade: UpgradeClient | null = null): void {
    const lease = new Lease(holder);
    try {
      serveRequest(req, res, upgrade, lease);
    } catch (err) {
      // serveRequest registers the response's close handler (which gives the lease back) before anything
      // that can throw.
      logger.error(`cannot serve ${req.method} ${req.url}: ${(err as Error).message}`);
      if (!res.headersSent) writeError(res, err, null);
    }
  }

  /**
   * One client request in flight: what its close handler and the write path need, in one object with every
   * field set, where closures over serveRequest's locals cost an allocation each (close handler and once()'s
   * wrapper, the abort getter, the then/catch callbacks). It is also the request's byte counter.
   */
  class Served implements AbortSource, ByteCounter {
    readonly req: IncomingMessage;
    readonly res: ServerResponse;
    readonly lease: Lease;
    readonly start = performance.now();
    readonly startTime = Date.now();
    /** Whether requestDone is reported (and bytes counted). */
    readonly reporting: boolean;
    bytes = 0;
    ctx: RequestContext | null = null;
    unread: UnreadBody | null = null;
    ac: Abort | null = null;
    closed = false;
    upgraded = false;

    constructor(req: IncomingMessage, res: ServerResponse, lease: Lease) {
      this.req = req;
      this.res = res;
      this.lease = lease;
      this.reporting = obs !== null && obs.requestDone !== undefined;
    }

    abortSwitch(): Abort {
      if (this.ac === null) {
        this.ac = new Abort();
        if (this.closed) this.ac.abort(clientGone());
      }
      return this.ac;
    }

    /** The response closed: finished, cut by the write timeout, or the client went away. */
    onClose(): void {
      const { req, res, ctx, ac, upgraded } = this;
      this.closed = true;
      const completed = res.writableFinished || upgraded;
      // Not completed: the client went away (499), the backend body failed mid-way (the status sent, as
      // Skipper and nginx log it, plus an error), or the listener's write timeout cut it (504 while no
      // headers went out: the backend did not answer in time).
      let status = upgraded ? 101 : res.statusCode;
      if (!completed) {
        const bodyError = ctx?.bodyError ?? null;
        if (bodyError !== null) {
          reportBodyFailure(ctx!, bodyError, this.start);
        } else if ((res.errored as NodeJS.ErrnoException | null)?.code === WRITE_TIMEOUT) {
          if (!res.headersSent) status = 504;
          if (ac !== null) ac.abort(writeTimedOut(serverWriteTimeoutMs));
        } else {
          status = 499;
          if (ac !== null) ac.abort(clientGone());
        }
      }
      this.lease.release();
      if (ctx !== null && ctx.replaced !== null && !ctx.replaced.readableEnded) discard(ctx.replaced);
      if (this.reporting) {
        obs!.requestDone!({
          routeId: ctx?.routeId ?? '',
          method: req.method ?? '',
          status,
          durationMs: performance.now() - this.start,
          backendMs: ctx?.backendMs ?? 0,
          host: ctx?.original.host ?? req.headers.host ?? '',
          uri: req.url ?? '',
          remoteAddress: ctx?.original.remoteAddress ?? req.socket.remoteAddress ?? '',
          forwardedFor: headerText((ctx?.request.headers ?? req.headers)['x-forwarded-for']),
          httpVersion: req.httpVersion,
          userAgent: req.headers['user-agent'] ?? '',
          referer: req.headers.referer ?? '',
          bytes: this.bytes,
          startTime: this.startTime,
          completed,
          stateBag: ctx?.stateBagIfAny ?? EMPTY_BAG,
        });
      }
    }

    get counter(): ByteCounter | null {
      return this.reporting ? this : null;
    }
  }

  function serveRequest(req: IncomingMessage, res: ServerResponse, upgrade: UpgradeClient | null, lease: Lease): void {
    const s = new Served(req, res, lease);
    // 'close' is emitted once per response (node guards it with _closed): on() spares once()'s wrapper.
    res.on('close', () => s.onClose());
    if (lease.table !== observed) {
      // A walk over every route (of those that changed): off this request's path and in slices. Endpoints met
      // before it are registered lazily.
      const table = lease.table;
      observed = table;
      // A walk that failed leaves the previous observation; the next table is walked against it.
      registry.observeSliced(table).catch(() => {});
    }
    const ctx = RequestContext.fromIncoming(req, protocol, preserveHost, lease, engine);
    s.ctx = ctx;
    ctx.upgrade = upgrade;
    if (serverWriteTimeoutMs > 0) ctx.replyBy = s.start + serverWriteTimeoutMs;
    if (ctx.request.body !== null && upgrade === null) s.unread = new UnreadBody(req, res);
    if (setForwarded !== null) setForwarded(ctx.request.headers, ctx.original, req.url ?? '');
    const bad = checkFraming(req) ?? checkPath(ctx);
    if (bad !== null) {
      res.shouldKeepAlive = false;
      writeError(res, bad, s.counter);
      return;
    }
    void respond(s, routeRequest(ctx, s));
  }

  /** Writes what routeRequest resolved with, or its failure. Never rejects. */
  async function respond(s: Served, routed: Promise<FilterResponse>): Promise<void> {
    const { res } = s;
    const ctx = s.ctx!;
    try {
      let r: FilterResponse;
      try {
        r = await routed;
      } catch (err) {
        logProxyError(ctx, err);
        s.unread?.beforeHeaders(res);
        writeError(res, err, s.counter);
        return;
      }
      if (r === UPGRADED) {
        // The sockets are joined; the table stays pinned until the connection closes.
        s.upgraded = true;
        return;
      }
      if (s.closed) {
        discard(r.body);
        return;
      }
      const wt = ctx.settingsIfAny?.writeTimeoutMs;
      if (wt !== undefined && wt > 0) armWriteTimeout(res, wt);
      s.unread?.beforeHeaders(res);
      writeResponse(res, r, removeHop, s.reporting && obs!.countsBytes?.(ctx.stateBagIfAny ?? EMPTY_BAG) !== false ? s : null, ctx);
    } catch (err) {
      // Writing the response itself failed (e.g. a filter set an invalid header): never crash the process.
      logger.error(`failed to write the response of route ${ctx.routeId || '-'}: ${(err as Error).message}`);
      if (!res.headersSent) writeError(res, new ProxyError('SKJ_ERR_PROXY_FILTER_FAILED', (err as Error).message), s.counter);
      else res.destroy();
    }
  }

  /** A backend response body that failed while it streamed: logged and counted as the backend's failure. */
  function reportBodyFailure(ctx: RequestContext, err: Error, start: number): void {
    const e = classifyUpstreamError(err, ctx.backendHost);
    logger.error(`backend ${ctx.backendHost || '-'} failed while streaming the response, route ${ctx.routeId || '-'}, ${ctx.original.method} ${ctx.original.host}${ctx.original.path}: ${e.message}`);
    if (ctx.backendHost !== '' && obs?.backendDone !== undefined) {
      obs.backendDone({ routeId: ctx.routeId, backendHost: ctx.backendHost, error: errorCode(e), durationMs: performance.now() - start });
    }
  }

  return {
    handleRequest,
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      socket.on('error', (e) => logger.debug(`upgrade connection error: ${e.message}`));
      // Without -experimental-upgrade the request is proxied as a plain one: the Upgrade and Connection
      // headers are hop-by-hop, so the backend never sees the upgrade (Skipper's behaviour).
      const res = new ServerResponse(req);
      res.shouldKeepAlive = false;
      res.assignSocket(socket as Socket);
      res.once('finish', () => socket.end());
      const protocol = req.headers.upgrade;
      handleRequest(req, res, upgradeEnabled && protocol !== undefined ? { socket, head, protocol } : null);
    },
    close() {
      if (closing === null) {
        if (ownsRegistry) registry.close();
        else registry.stopHealthCheck();
        closing = pools.close();
      }
      return closing;
    },
  };
}

function guardOf(g: ProxyOptions['guard']): BackendGuard | null {
  if (g == null) return null;
  return Array.isArray(g) ? composeGuards(g) : (g as BackendGuard);
}

const errorHandlerCache = new WeakMap<readonly FilterInstance[], readonly FilterInstance[] | null>();

/** The response filters that handle errors, in response order; null for none. Cached per route. */
function errorHandlers(list: readonly FilterInstance[]): readonly FilterInstance[] | null {
  let h = errorHandlerCache.get(list);
  if (h === undefined) {
    const found = list.filter((f) => f.handlesErrors === true);
    h = found.length === 0 ? null : found;
    errorHandlerCache.set(list, h);
  }
  return h;
}

/** Bad configuration fails at start-up, naming the option. */
function parseUrl(option: string, value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new Error(`${option}: invalid URL ${JSON.stringify(value)}`);
  }
}

/** Filters set header values as strings; take the first value if a filter left an array. */
function hostHeader(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Go's Header.Get: the first value of a header, '' when absent. */
function headerText(v: string | string[] | undefined): string {
  return v === undefined ? '' : typeof v === 'string' ? v : (v[0] ?? '');
}
