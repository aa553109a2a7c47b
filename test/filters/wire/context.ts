/**
 * A FilterContext for unit tests of the wire filters: no proxy, but the same contract (serve() answers,
 * loopbackShadow() and log() are recorded).
 */
import { Readable } from 'node:stream';
import type { HeaderBag } from '../../../src/routing/types.ts';
import type {
  FilterContext,
  FilterRequest,
  FilterResponse,
  OriginalRequest,
  RequestSettings,
  ShadowRequest,
} from '../../../src/filters/types.ts';

export interface TestContextInit {
  method?: string;
  path?: string;
  rawQuery?: string;
  host?: string;
  headers?: HeaderBag;
  body?: Readable | null;
  response?: FilterResponse | null;
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

/** The test context plus what the filters did to it. */
export interface TestContext extends FilterContext {
  readonly logs: LogLine[];
  readonly shadows: ShadowRequest[];
}

export function makeContext(init: TestContextInit = {}): TestContext {
  const headers: HeaderBag = { host: init.host ?? 'example.org', ...init.headers };
  const request: FilterRequest = {
    method: init.method ?? 'GET',
    path: init.path ?? '/',
    rawQuery: init.rawQuery ?? '',
    headers,
    body: init.body ?? null,
  };
  const original: OriginalRequest = Object.freeze({
    method: request.method,
    host: init.host ?? 'example.org',
    path: request.path,
    rawQuery: request.rawQuery,
    headers: Object.freeze({ ...headers }),
    remoteAddress: '127.0.0.1',
    protocol: 'http' as const,
  });
  const logs: LogLine[] = [];
  const shadows: ShadowRequest[] = [];
  const settings: RequestSettings = {};
  let served = false;
  const ctx: TestContext = {
    request,
    response: init.response ?? null,
    original,
    pathParams: {},
    stateBag: new Map(),
    settings,
    outgoingHost: null,
    dynamicBackendUrl: null,
    routeId: 'test_route',
    logs,
    shadows,
    get served() {
      return served;
    },
    serve(response: FilterResponse) {
      served = true;
      ctx.response = response;
    },
    loopbackShadow(req: ShadowRequest) {
      shadows.push(req);
    },
    log(level, message) {
      logs.push({ level, message });
    },
  };
  return ctx;
}

/** Read a whole body in tests (bounded by what the test produced). */
export async function readAll(body: Readable | null): Promise<Buffer> {
  if (body === null) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(parts);
}

/** Collect the chunk sizes a body is delivered in. */
export async function chunkSizes(body: Readable): Promise<number[]> {
  const sizes: number[] = [];
  for await (const c of body) sizes.push((c as Buffer).length);
  return sizes;
}

/** An endless source that counts how many bytes were pulled from it. */
export function countingSource(chunk = 1024): { source: Readable; pulled: () => number } {
  let pulled = 0;
  const source = new Readable({
    read() {
      pulled += chunk;
      this.push(Buffer.alloc(chunk, 0x61));
    },
  });
  return { source, pulled: () => pulled };
}

/** Let the event loop run a bounded number of turns (no wall-clock wait). */
export async function spin(turns = 50): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}
