/**
 * `-routes-urls`: eskip served over HTTP (a route server, a static file host). Polled every
 * -source-poll-timeout with If-None-Match, so an unchanged list costs a 304 and no parse. A failed poll (network
 * error, non-200, a body cut short, a document over -max-route-source-bytes) keeps the last good routes and is
 * reported through onError; what a document means (broken routes, an empty body) is route-text.ts's rule.
 */
import { SkipjackError } from '../errors.ts';
import { DocumentStream } from '../eskip/index.ts';
import type { DocumentParse, RouteDef } from '../eskip/index.ts';
import { checkNotEmpty, checkSourceSize, routesFromParse } from './route-text.ts';
import type { RouteSource, RouteSourceUpdate } from './types.ts';

export interface RemoteUrlOptions {
  /** Request timeout and, unless intervalMs is given, poll interval, ms (Skipper's -source-poll-timeout). */
  pollTimeoutMs: number;
  /** Poll interval, ms; pollTimeoutMs when absent. */
  intervalMs?: number;
  /** -max-route-source-bytes; 0 for no bound. */
  maxBytes?: number;
}

/**
 * Parses a body as it arrives, refusing it as soon as it grows past `max` bytes (a lying or absent
 * Content-Length): the text is never gathered into one string, only the routes it defines are kept.
 */
async function parseBody(res: Response, file: string, what: string, max: number): Promise<{ parsed: DocumentParse; chars: number }> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (!Number.isNaN(declared)) checkSourceSize(what, declared, max);
  const doc = new DocumentStream({ file });
  if (res.body === null) return { parsed: doc.end(), chars: 0 };
  const decoder = new TextDecoder('utf-8');
  let total = 0;
  for await (const chunk of res.body) {
    total += chunk.byteLength;
    if (max > 0 && total > max) {
      await res.body.cancel().catch(() => {});
      checkSourceSize(what, total, max);
    }
    doc.push(decoder.decode(chunk, { stream: true }));
  }
  doc.push(decoder.decode());
  return { parsed: doc.end(), chars: doc.chars };
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
    let body: { parsed: DocumentParse; chars: number };
    try {
      body = await parseBody(res, url, `routes URL ${url}`, o.maxBytes ?? 0);
    } catch (err) {
      if (err instanceof SkipjackError) throw err;
      throw new SkipjackError('SKJ_ERR_SOURCE_LOAD', `routes URL ${url}: body not read to its end: ${(err as Error).message}`, { cause: err });
    }
    checkNotEmpty(url, body.chars, lastRoutes);
    const u = routesFromParse(url, body.parsed, body.chars, lastRoutes);
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
