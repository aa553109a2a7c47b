/**
 * `-routes-urls`: eskip served over HTTP (a route server, a static file host). Polled every
 * -source-poll-timeout with If-None-Match, so an unchanged list costs a 304 and no parse. A failed poll or a
 * broken document keeps the last good routes and is reported through onError.
 */
import { SkipjackError } from '../errors.ts';
import { parse } from '../eskip/index.ts';
import type { RouteDef } from '../eskip/index.ts';
import type { RouteSource } from './types.ts';

export interface RemoteUrlOptions {
  /** Request timeout and, unless intervalMs is given, poll interval, ms (Skipper's -source-poll-timeout). */
  pollTimeoutMs: number;
  /** Poll interval, ms; pollTimeoutMs when absent. */
  intervalMs?: number;
}

export function createRemoteUrlSource(url: string, o: RemoteUrlOptions): RouteSource {
  const interval = o.intervalMs ?? o.pollTimeoutMs;
  let etag: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  /** Returns the new routes, or null when the server answered 304. */
  async function fetchRoutes(): Promise<RouteDef[] | null> {
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
    const text = await res.text();
    if (res.status !== 200) throw new SkipjackError('SKJ_ERR_SOURCE_LOAD', `routes URL ${url}: HTTP ${res.status}`);
    const routes = parse(text, { file: url });
    etag = res.headers.get('etag');
    return routes;
  }

  return {
    name: `url:${url}`,
    async start(onUpdate, onError) {
      onUpdate({ routes: (await fetchRoutes()) ?? [] });
      const tick = async (): Promise<void> => {
        try {
          const routes = await fetchRoutes();
          if (routes !== null && !stopped) onUpdate({ routes });
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
