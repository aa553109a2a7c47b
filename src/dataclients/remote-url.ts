/**
 * `-routes-urls`: eskip served over HTTP (a route server, a static file host). Polled every
 * -source-poll-timeout with If-None-Match, so an unchanged list costs a 304 and no parse. A failed poll (network
 * error, non-200, a body cut short, a document over -max-route-source-bytes) keeps the last good routes and is
 * reported through onError; what a document means (broken routes, an empty body) is route-text.ts's rule.
 */
import { SkipjackError } from '../errors.ts';
import type { RouteDef } from '../eskip/index.ts';
import { checkSourceSize, routesFromText } from './route-text.ts';
import type { RouteSource, RouteSourceUpdate } from './types.ts';

export interface RemoteUrlOptions {
  /** Request timeout and, unless intervalMs is given, poll interval, ms (Skipper's -source-poll-timeout). */
  pollTimeoutMs: number;
  /** Poll interval, ms; pollTimeoutMs when absent. */
  intervalMs?: number;
  /** -max-route-source-bytes; 0 for no bound. */
  maxBytes?: number;
}

/** Reads a body, refusing it as soon as it grows past `max` bytes (a lying or absent Content-Length). */
async function boundedText(res: Response, what: string, max: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (!Number.isNaN(declared)) checkSourceSize(what, declared, max);
  if (res.body === null) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body) {
    total += chunk.byteLength;
    if (max > 0 && total > max) {
      await res.body.cancel().catch(() => {});
      checkSourceSize(what, total, max);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createRemoteUrlSource(url: string, o: RemoteUrlOptions): RouteSource {
  const interval = o.intervalMs ?? o.pollTimeoutMs;
  let etag: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let lastRoutes: RouteDef[] | null = null;

  /** Returns the update, or null when the server answered 304. */
  async function fetchRoutes(): Promise<RouteSourceUpdate | null> {
    const headers: Record<string, string> = { accept: 'text/plain, */*' };
    if (etag !== null) headers['if-none-match'] = etag;
    let res: Response;
    try {
      res = await fetch(url, { headers, signal: AbortSignal.timeout(o.pollTimeoutMs) });
    } catch (err) {
      throw new SkipjackError('SKJ_ERR_SOURCE_LOAD', `routes URL ${url}: ${(err as Error).message}`, { cause: err });
    }
    if (res.status === 304) {
      await res.body?.cancel();
      return null;
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new SkipjackError('SKJ_ERR_SOURCE_LOAD', `routes URL ${url}: HTTP ${res.status}`);
    }
    let text: string;
    try {
      text = await boundedText(res, `routes URL ${url}`, o.maxBytes ?? 0);
    } catch (err) {
      if (err instanceof SkipjackError) throw err;
      throw new SkipjackError('SKJ_ERR_SOURCE_LOAD', `routes URL ${url}: body not read to its end: ${(err as Error).message}`, { cause: err });
    }
    const u = routesFromText(url, text, lastRoutes);
    lastRoutes = u.routes;
    etag = res.headers.get('etag');
    return u;
  }

  return {
    name: `url:${url}`,
    async start(onUpdate, onError) {
      onUpdate((await fetchRoutes()) ?? { routes: [] });
      const tick = async (): Promise<void> => {
        try {
          const u = await fetchRoutes();
          if (u !== null && !stopped) onUpdate(u);
        } catch (err) {
          if (!stopped) onError(err as Error);
        } finally {
          if (!stopped) timer = setTimeout(tick, interval).unref();
        }
      };
      timer = setTimeout(tick, interval).unref();
    },
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
    },
  };
}
