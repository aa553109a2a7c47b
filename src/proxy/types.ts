/**
 * The proxy's public contract: what the composition root passes in (options, observer) and gets back.
 * Metrics and the access log implement ProxyObserver, so the proxy never imports them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { EndpointRegistry, PassiveHealthCheckOptions } from '../loadbalancer/index.ts';
import type { BackendGuard } from './guard.ts';
import type { RouteTable } from '../routing/types.ts';
import type { ForwardedHeadersOptions } from '../net/index.ts';

export type { ForwardedHeadersOptions, PassiveHealthCheckOptions };

/** What the proxy needs from the route table holder (src/routing/holder.ts implements it). */
export interface TableSource {
  /** Pins the current generation for one request; every acquire is paired with one done(). */
  acquire(): RouteTable;
  done(table: RouteTable): void;
}


export interface ProxyLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ProxyOptions {
  /** Loopback re-routings allowed per request (Skipper's -max-loopbacks); default 9, 0 means 9, negative none. */
  maxLoopbacks?: number;
  /** Connect timeout to a backend (Skipper's -timeout-backend); default 60 s. */
  backendTimeoutMs?: number;
  /** Time allowed until the backend's response headers arrive; default 60 s. */
  responseHeaderTimeoutMs?: number;
  /**
   * The listener's write timeout (Skipper's -write-timeout-server), 0 for none. The wait for response headers
   * ends early enough that the 504 is written before the listener cuts the response (src/proxy/timeouts.ts).
   */
  serverWriteTimeoutMs?: number;
  /** TCP keep-alive probe delay on backend connections (Skipper's -keepalive-backend); default 30 s. */
  keepAlive?: number;
  /**
   * Idle backend connections kept per origin (Skipper's -idle-conns-num, Go's MaxIdleConnsPerHost); beyond it the
   * connection idle the longest is closed. Default 64, also for values ≤ 0.
   */
  maxIdleConnsPerHost?: number;
  /** Idle backend connections kept in total (Skipper's -max-idle-connection-backend, Go's MaxIdleConns); ≤ 0: no limit. */
  maxIdleConns?: number;
  /** Idle backend connections are closed after this long (Skipper's -close-idle-conns-period); default 20 s, ≤0 keeps them. */
  closeIdleConnsPeriodMs?: number;
  /** Send the incoming Host header upstream instead of the backend's host; default false. */
  preserveHost?: boolean;
  /** Strip hop-by-hop headers (RFC 9110 §7.6.1); default true. */
  removeHopHeaders?: boolean;
  /** Null or absent: off. */
  passiveHealthCheck?: PassiveHealthCheckOptions | null;
  /** Pass WebSocket and other Upgrade requests through; default false (answered 400 instead). */
  experimentalUpgrade?: boolean;
  /** The listener's protocol, for `<dynamic>` backends without a URL; default 'http'. */
  protocol?: 'http' | 'https';
  /** X-Forwarded-* headers added before routing; default none, as in Skipper. */
  forwardedHeaders?: ForwardedHeadersOptions | null;
  /** Requests from these networks (CIDRs) get no forwarded headers (-forwarded-headers-exclude-cidrs). */
  forwardedHeadersExcludeCidrs?: readonly string[];
  /** The URL `<forward>` backends go to (Skipper's -forward-backend-url); unset answers them 500. */
  forwardBackendUrl?: string | null;
  /** Verify backend TLS certificates; default true. */
  tlsVerify?: boolean;
  logger?: ProxyLogger;
  /** Endpoint statistics shared with other proxies of the process; the proxy creates its own when absent. */
  endpoints?: EndpointRegistry;
  /**
   * Asked before every backend attempt (first try and each retry, per endpoint) and told the outcome after:
   * breakers, backend rate limits. A list is composed in order (composeGuards); absent or empty: none,
   * and the attempt path costs one null check.
   */
  guard?: BackendGuard | readonly BackendGuard[] | null;
}

/** One finished client request, after the last byte was written (or the client went away). */
export interface RequestDoneEvent {
  /** The matched route's id, '' when none matched. */
  routeId: string;
  method: string;
  status: number;
  durationMs: number;
  /** Of durationMs, the time spent in backend round trips (0 when none). */
  backendMs: number;
  /** The Host header as received. */
  host: string;
  /** Path and query as received. */
  uri: string;
  remoteAddress: string;
  /** The request's X-Forwarded-For after -forwarded-headers and filters ('' when none), for the access log. */
  forwardedFor: string;
  httpVersion: string;
  userAgent: string;
  referer: string;
  /** Response body bytes written. */
  bytes: number;
  /** Epoch ms when the request arrived. */
  startTime: number;
  /** False when the client disconnected before the response was complete. */
  completed: boolean;
  /** The request's state bag, for access-log filters (Skipper's accessLogDisabled etc.). */
  stateBag: ReadonlyMap<string, unknown>;
}

/** One backend round trip (each retry is its own event). */
export interface BackendDoneEvent {
  routeId: string;
  /** host:port of the endpoint called; '<dynamic>' for `<dynamic>` routes, whose hosts come from requests. */
  backendHost: string;
  /** Absent when the round trip failed before a response. */
  status?: number;
  /** Error code (SKJ_ERR_…) when it failed. */
  error?: string;
  durationMs: number;
}

export interface ProxyObserver {
  requestDone?(e: RequestDoneEvent): void;
  backendDone?(e: BackendDoneEvent): void;
  /**
   * Asked once per response, before its body streams, with the state bag as the filters left it: false
   * when requestDone will certainly not use `bytes` (counting costs a listener per body chunk); `bytes`
   * is then 0. Absent: always counted.
   */
  countsBytes?(stateBag: ReadonlyMap<string, unknown>): boolean;
}

export interface Proxy {
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Stops timers and closes backend connections after their requests end. */
  close(): Promise<void>;
}
