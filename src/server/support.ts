/**
 * The support listener (-support-listener): /metrics (Prometheus text), /routes (eskip or JSON, with ETag
 * and 304), /healthz (200 once every service is up and until shutdown begins, else 503). Kept off the proxy listener so routes
 * can never shadow it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Health } from './health.ts';
import { guarded, targetPath } from './request-target.ts';
import { notModified, parsePage, writePieces } from './routes-stream.ts';
import type { RoutesView } from './routes-view.ts';

export interface SupportOptions {
  health: Health;
  routes: RoutesView;
  metrics(): Promise<{ text: string; contentType: string }>;
  onError?(err: Error): void;
}

/**
 * /routes, as Skipper serves it: `offset`/`limit` select a slice, X-Count is the number of all valid routes,
 * `format=json` (or `Accept: application/json`) selects JSON; the body is streamed in chunks.
 */
function sendRoutes(req: IncomingMessage, res: ServerResponse, view: RoutesView, params: URLSearchParams, onError?: (err: Error) => void): void {
  const page = parsePage(params, view.count);
  if (typeof page === 'string') {
    res.writeHead(400, { 'content-type': 'text/plain' }).end(`${page}\n`);
    return;
  }
  const json = params.get('format') === 'json' || (req.headers.accept ?? '').includes('application/json');
  const l = view.listing(json ? 'json' : 'eskip', page);
  const headers = { etag: l.etag, 'cache-control': 'no-cache', 'x-count': String(l.count) };
  if (notModified(req.headers['if-none-match'], l.etag)) {
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(200, { ...headers, 'content-type': l.contentType });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  writePieces(res, l.pieces()).catch((err: Error) => {
    onError?.(new Error(`support listener: /routes: ${err.message}`));
    res.destroy();
  });
}

export function createSupportServer(o: SupportOptions): Server {
  return createServer(guarded((req, res) => {
    const { path, query } = targetPath(req.url ?? '/');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    switch (path) {
      case '/healthz':
        if (o.health.healthy) res.writeHead(200, { 'content-type': 'text/plain' }).end('OK\n');
        else res.writeHead(503, { 'content-type': 'text/plain' }).end('shutting down\n');
        return;
      case '/routes':
        sendRoutes(req, res, o.routes, new URLSearchParams(query), o.onError);
        return;
      case '/metrics':
        o.metrics().then(
          (m) => res.writeHead(200, { 'content-type': m.contentType }).end(m.text),
          (err: Error) => {
            o.onError?.(err);
            res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${err.message}\n`);
          },
        );
        return;
      default:
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  }, (err, req) => o.onError?.(new Error(`support listener: ${req.method} ${JSON.stringify(req.url?.slice(0, 200))}: ${err.message}`))));
}
