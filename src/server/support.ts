/**
 * The support listener (-support-listener): /metrics (Prometheus text), /routes (eskip or JSON, with ETag
 * and 304), /healthz (200 once every service is up and until shutdown begins, else 503). Kept off the proxy listener so routes
 * can never shadow it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Health } from './health.ts';
import { guarded, targetPath } from './request-target.ts';
import type { RenderedRoutes, RoutesView } from './routes-view.ts';

export interface SupportOptions {
  health: Health;
  routes: RoutesView;
  metrics(): Promise<{ text: string; contentType: string }>;
  onError?(err: Error): void;
}

function sendRoutes(req: IncomingMessage, res: ServerResponse, r: RenderedRoutes): void {
  const headers = { etag: r.etag, 'cache-control': 'no-cache', 'x-count': String(r.count) };
  const inm = req.headers['if-none-match'];
  if (inm !== undefined && inm.split(',').some((t) => t.trim() === r.etag || t.trim() === '*')) {
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(200, { ...headers, 'content-type': r.contentType, 'content-length': Buffer.byteLength(r.body) });
  res.end(req.method === 'HEAD' ? undefined : r.body);
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
        sendRoutes(req, res, new URLSearchParams(query).get('format') === 'json' ? o.routes.json() : o.routes.eskip());
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
