/**
 * The filter contract, declared here where filters are written; `src/proxy/` implements FilterContext.
 * A filter spec validates its eskip arguments at route-build time and creates one instance per route.
 * Request hooks run in eskip order, response hooks in reverse order. A hook may return a Promise; the
 * proxy awaits only when one is returned.
 */
import type { CreationCache } from './creation-cache.ts';
import type { Readable } from 'node:stream';
import type { Arg } from '../eskip/index.ts';
import type { HeaderBag } from '../net/index.ts';

/** The request as it will be sent upstream. Filters mutate it in place. */
export interface FilterRequest {
  method: string;
  /** The escaped URL path sent upstream, starting with "/". */
  path: string;
  /** The raw query string sent upstream, without "?", "" for none. */
  rawQuery: string;
  /** Lower-case header names; a copy of the incoming headers that filters may change. */
  headers: HeaderBag;
  /** The request body stream, or null when the request has none. Filters may wrap or replace it. */
  body: Readable | null;
}

/** The response on its way to the client. */
export interface FilterResponse {
  status: number;
  /** Lower-case header names. */
  headers: HeaderBag;
  /** The body stream, or null for none. A filter that changes the body length must drop content-length. */
  body: Readable | null;
}

/** A read-only snapshot of the request as it arrived, before any filter ran. */
export interface OriginalRequest {
  readonly method: string;
  /** The Host header as received. */
  readonly host: string;
  /** The escaped path as received. */
  readonly path: string;
  readonly rawQuery: string;
  readonly headers: Readonly<HeaderBag>;
  readonly remoteAddress: string;
  /** "http" or "https", as the listener served it. */
  readonly protocol: 'http' | 'https';
}

/** Per-request proxy settings that filters may change. Unset fields use the command-line defaults. */
export interface RequestSettings {
  backendTimeoutMs?: number;
  readTimeoutMs?: number;
  writeTimeoutMs?: number;
  consistentHashKey?: string;
  consistentHashBalanceFactor?: number;
}

/** A copy of the request to send somewhere else without waiting for it (tee, teeLoopback). */
export interface ShadowRequest {
  method: string;
  path: string;
  rawQuery: string;
  headers: HeaderBag;
  body: Readable | null;
}

/** What a filter sees of one request. Implemented by the proxy. */
export interface FilterContext {
  readonly request: FilterRequest;
  /** Null until the response phase, or until a filter called serve(). */
  response: FilterResponse | null;
  readonly original: OriginalRequest;
  /** Values of the route's path wildcards (`:name`, `*name`). */
  readonly pathParams: Readonly<Record<string, string>>;
  /** Free-form per-request state shared between filters (Skipper's StateBag). */
  readonly stateBag: Map<string, unknown>;
  readonly settings: RequestSettings;
  /** The Host header sent upstream; null means "the backend's host" (the default unless -proxy-preserve-host). */
  outgoingHost: string | null;
  /** For `<dynamic>` routes: the backend URL chosen by setDynamicBackend… filters, null until set. */
  dynamicBackendUrl: string | null;
  /** The id of the matched route. */
  readonly routeId: string;
  /**
   * Answer the request from the filter chain: no backend is called, later request filters are skipped and
   * response filters run from this filter backwards (Skipper's ctx.Serve).
   */
  serve(response: FilterResponse): void;
  readonly served: boolean;
  /** Run a copy of the request through routing again (teeLoopback); the response is discarded. */
  loopbackShadow(req: ShadowRequest): void;
  /** Application log for filters (logHeader, logBody). */
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
}

/**
 * Load-balancing settings a filter gives the route it is on (fadeIn, endpointCreated): fixed at route-build
 * time and read by the load balancer through this field, never by the filter's name.
 */
export interface RouteLbSettings {
  /** Fade new endpoints in over `durationMs` (0: off), traffic share growing with age^exponent. */
  readonly fadeIn?: { readonly durationMs: number; readonly exponent: number };
  /** When the endpoint `host` (host:port) was created, epoch ms; 0 when unknown (ignored). */
  readonly endpointCreated?: { readonly host: string; readonly createdMs: number };
}

/** A filter instance, created once per route at build time. */
export interface FilterInstance {
  readonly name: string;
  /** Set by filters that configure their route's load balancing. */
  readonly lbSettings?: RouteLbSettings;
  request?(ctx: FilterContext): void | Promise<void>;
  response?(ctx: FilterContext): void | Promise<void>;
  /**
   * True when `response` must also run on a response the proxy made for a failed backend call (an open
   * breaker, a refused connection, a timeout), Skipper's HandleErrorResponse: queue filters free their
   * slot and admission control counts the failure there. Other filters' response hooks are skipped then.
   */
  readonly handlesErrors?: boolean;
  /** Release resources when the route table generation holding this instance is retired. */
  close?(): void;
}

/** A filter as registered. */
export interface FilterSpec {
  readonly name: string;
  /**
   * Throws InvalidArgsError (src/errors.ts) when the arguments are not acceptable. `cache` is the compile's
   * creation cache; only specs whose instances keep no per-route state use it (src/filters/memo.ts).
   */
  create(args: Arg[], cache?: CreationCache): FilterInstance;
}
