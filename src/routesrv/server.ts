/**
 * skipjack-routesrv's HTTP side: `/routes` (eskip, ETag/If-None-Match → 304, Last-Modified, X-Count; 404
 * until the first route list), `/health` (204 once routes were loaded, else 503) and `/swarm/redis/shards`.
 * One route server watches the API for a whole fleet, which then polls it with `-routes-urls`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { preprocess, type RoutePreprocessor } from '../routing/pipeline.ts';
import type { KubernetesSource } from '../dataclients/kubernetes/source.ts';
import { guarded, targetPath } from '../server/request-target.ts';
import { redisShards, type RedisServiceRef } from './redis-shards.ts';
import { nextSnapshot, type RoutesSnapshot } from './routes-snapshot.ts';
import type { RouteServerMetrics } from './metrics.ts';

export interface RouteServerOptions {
  source: KubernetesSource;
  /** The Redis service whose endpoints are served on /swarm/redis/shards; none serves an empty list. */
  redis?: RedisServiceRef;
  /** The route pre-processors skipjack runs too (src/roles/route-pipeline.ts), applied before serving. */
  pre?: readonly RoutePreprocessor[];
  onError?: (err: Error) => void;
  /** Served on /metrics when set. */
  metrics?: RouteServerMetrics;
}

export class RouteServer {
  readonly #o: RouteServerOptions;
  #snapshot: RoutesSnapshot | undefined;
  #server: Server | undefined;
  /** How many route lists were published, for tests. */
  updates = 0;

  constructor(o: RouteServerOptions) {
    this.#o = o;
  }

  get snapshot(): RoutesSnapshot | undefined {
    return this.#snapshot;
  }

  /** Starts the Kubernetes source; rejects when its first load fails. */
  async startSource(): Promise<void> {
    await this.#o.source.start(
      (u) => {
        this.#snapshot = nextSnapshot(preprocess(this.#o.pre ?? [], u.routes), this.#snapshot);
        this.updates++;
        this.#o.metrics?.published(this.#snapshot.count, this.#snapshot.body.length);
      },
      (err) => {
        this.#o.metrics?.fetchError();
        this.#o.onError?.(err);
      },
    );
  }

  async listen(port: number, host?: string): Promise<AddressInfo> {
    const server = createServer(guarded((req, res) => this.#handle(req, res), (err, req) => this.#o.onError?.(new Error(`${req.method} ${JSON.stringify(req.url?.slice(0, 200))}: ${err.message}`))));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.#server = server;
    return server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    await this.#o.source.stop();
    const s = this.#server;
    this.#server = undefined;
    if (!s) return;
    const closed = new Promise<void>((resolve) => s.close(() => resolve()));
    s.closeAllConnections();
    await closed;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const { path } = targetPath(req.url ?? '/');
    if (req.method !== 'GET' && req.method !== 'HEAD') return end(res, 405, 'method not allowed\n');
    switch (path) {
      case '/routes':
        return this.#routes(req, res);
      case '/health':
        return this.#snapshot ? end(res, 204) : end(res, 503, 'routes were not initialized yet\n');
      case '/metrics': {
        const m = this.#o.metrics;
        if (m === undefined) return end(res, 404, 'not found\n');
        m.registry.metrics().then(
          (text) => {
            res.writeHead(200, { 'content-type': m.registry.contentType });
            res.end(req.method === 'HEAD' ? undefined : text);
          },
          (err: Error) => end(res, 500, `${err.message}\n`),
        );
        return;
      }
      case '/swarm/redis/shards': {
        const body = JSON.stringify(redisShards(this.#o.source.state(), this.#o.redis));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        return void res.end(req.method === 'HEAD' ? undefined : body);
      }
      default:
        return end(res, 404, 'not found\n');
    }
  }

  #routes(req: IncomingMessage, res: ServerResponse): void {
    const s = this.#snapshot;
    if (!s) {
      this.#o.metrics?.served(404);
      return end(res, 404, 'routes were not initialized yet\n');
    }
    const headers = {
      etag: s.etag,
      'last-modified': s.lastModified.toUTCString(),
      'x-count': String(s.count),
      'cache-control': 'no-cache',
    };
    const inm = req.headers['if-none-match'];
    if (inm !== undefined && inm.split(',').some((t) => t.trim() === s.etag || t.trim() === '*')) {
      this.#o.metrics?.served(304);
      res.writeHead(304, headers);
      return void res.end();
    }
    this.#o.metrics?.served(200);
    res.writeHead(200, { ...headers, 'content-type': 'text/plain; charset=utf-8', 'content-length': s.body.length });
    res.end(req.method === 'HEAD' ? undefined : s.body);
  }
}

function end(res: ServerResponse, status: number, body?: string): void {
  res.writeHead(status, body ? { 'content-type': 'text/plain; charset=utf-8' } : {});
  res.end(body);
}
