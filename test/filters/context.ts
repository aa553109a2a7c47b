/**
 * A FilterContext for filter unit tests, implementing the contract of src/filters/types.ts the way the
 * proxy does: serve() answers the request and marks it served, the original request is a frozen
 * snapshot, and runChain() runs request hooks in order and response hooks in reverse, starting from the
 * filter that served when one did. Other filter tests may import it.
 */
import { Readable } from 'node:stream';
import type { Arg } from '../../src/eskip/ast.ts';
import type {
  FilterContext, FilterInstance, FilterRequest, FilterResponse, FilterSpec, OriginalRequest, RequestSettings,
  ShadowRequest,
} from '../../src/routing/filter-contract.ts';
import type { HeaderBag } from '../../src/routing/types.ts';

export interface TestRequestInit {
  method?: string;
  /** Path with an optional "?query". */
  url?: string;
  headers?: HeaderBag;
  host?: string;
  remoteAddress?: string;
  protocol?: 'http' | 'https';
  body?: string | Buffer | null;
  pathParams?: Record<string, string>;
  routeId?: string;
}

/** The test context with the extra inspection fields tests need. */
export interface TestContext extends FilterContext {
  readonly shadows: ShadowRequest[];
  readonly logs: { level: string; message: string }[];
}

function lowerKeys(h: HeaderBag): HeaderBag {
  const out: HeaderBag = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = Array.isArray(v) ? [...v] : v;
  return out;
}

/** Builds a context for one request as the proxy would after routing. */
export function makeContext(init: TestRequestInit = {}): TestContext {
  const url = init.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const rawQuery = q === -1 ? '' : url.slice(q + 1);
  const host = init.host ?? 'www.example.org';
  const headers = lowerKeys({ host, ...(init.headers ?? {}) });
  const body = init.body == null ? null : Readable.from([Buffer.from(init.body)], { objectMode: false });
  const request: FilterRequest = { method: init.method ?? 'GET', path, rawQuery, headers, body };
  const original: OriginalRequest = Object.freeze({
    method: request.method,
    host,
    path,
    rawQuery,
    headers: Object.freeze(lowerKeys(headers)),
    remoteAddress: init.remoteAddress ?? '10.0.0.1',
    protocol: init.protocol ?? 'http',
  });
  let served = false;
  const shadows: ShadowRequest[] = [];
  const logs: { level: string; message: string }[] = [];
  const settings: RequestSettings = {};
  const ctx: TestContext = {
    request,
    response: null,
    original,
    pathParams: Object.freeze({ ...(init.pathParams ?? {}) }),
    stateBag: new Map(),
    settings,
    outgoingHost: null,
    dynamicBackendUrl: null,
    routeId: init.routeId ?? 'testRoute',
    serve(response: FilterResponse): void {
      ctx.response = response;
      served = true;
    },
    get served() {
      return served;
    },
    loopbackShadow(req: ShadowRequest): void {
      shadows.push(req);
    },
    log(level, message): void {
      logs.push({ level, message });
    },
    shadows,
    logs,
  };
  return ctx;
}

/** A backend response for runChain. */
export function backendResponse(status = 200, headers: HeaderBag = {}, body: string | null = 'backend'): FilterResponse {
  return { status, headers: lowerKeys(headers), body: body === null ? null : Readable.from([Buffer.from(body)], { objectMode: false }) };
}

/**
 * Runs a filter chain like the proxy: request hooks in order until one serves; the backend response is
 * used when none served; then response hooks in reverse from the last filter whose request hook ran.
 */
export async function runChain(
  filters: readonly FilterInstance[],
  ctx: FilterContext,
  backend: () => FilterResponse = () => backendResponse(),
): Promise<FilterResponse> {
  let last = filters.length - 1;
  for (let i = 0; i < filters.length; i++) {
    const p = filters[i]!.request?.(ctx);
    if (p !== undefined) await p;
    if (ctx.served) { last = i; break; }
  }
  if (!ctx.served) ctx.response = backend();
  for (let i = last; i >= 0; i--) {
    const p = filters[i]!.response?.(ctx);
    if (p !== undefined) await p;
  }
  return ctx.response!;
}

/** Creates one instance from a spec. */
export function create(spec: FilterSpec, ...args: Arg[]): FilterInstance {
  return spec.create(args);
}

/** Reads a body stream to a string ("" for null). */
export async function bodyText(body: Readable | null): Promise<string> {
  if (body === null) return '';
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks).toString('utf8');
}
