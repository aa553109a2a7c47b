/**
 * A test Kubernetes API server speaking the real list/watch protocol over HTTP on 127.0.0.1, for driving the
 * real @kubernetes/client-node based data client: lists carry a resourceVersion, `?watch=1&resourceVersion=N`
 * streams newline-delimited ADDED/MODIFIED/DELETED/BOOKMARK events, old resourceVersions get a 410 ERROR event.
 * Tests change objects (events are emitted), inject 404/500 per path, and stop/restart on the same port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeObject } from '../../src/dataclients/kubernetes/convert/types.ts';
import { KubeStore, parseLabelSelector, RESOURCES, type ResourceName, type StoredEvent } from './kube-store.ts';

/** Skipper's `.api` fixture options. */
export interface KubeApiOptions {
  /** Paths that answer 500. */
  failOn?: string[];
  /** Paths that answer 404. */
  findNot?: string[];
  /** `/apis/zalando.org/v1` does not list routegroups (the CRD is not installed). */
  disableRouteGroups?: boolean;
  /** Requests without `Authorization: Bearer <token>` get 401. */
  token?: string;
}

const PATH_RX =
  /^\/(?:api\/v1|apis\/[^/]+\/v1)(?:\/namespaces\/([^/]+))?\/(services|ingresses|routegroups|endpointslices|endpoints|secrets|pods)(?:\/([^/]+))?$/;

interface Watcher {
  resource: ResourceName;
  namespace: string | undefined;
  match: (labels: Record<string, string> | undefined) => boolean;
  res: ServerResponse;
}

export class KubeApiServer {
  readonly store = new KubeStore();
  /** Every request as `GET /path?query`, for assertions on list/watch traffic. */
  readonly requests: string[] = [];
  readonly #status = new Map<string, number>();
  readonly #watchers = new Set<Watcher>();
  #disableRouteGroups: boolean;
  readonly #token: string | undefined;
  #server: Server | undefined;
  #port = 0;

  constructor(objects: KubeObject[] = [], opts: KubeApiOptions = {}) {
    for (const o of objects) this.store.apply(o);
    for (const p of opts.failOn ?? []) this.#status.set(p, 500);
    for (const p of opts.findNot ?? []) this.#status.set(p, 404);
    this.#disableRouteGroups = opts.disableRouteGroups ?? false;
    this.#token = opts.token;
    this.store.subscribe((e) => this.#fanOut(e));
  }

  /** Starts a server with these objects; `port` 0 picks an ephemeral port. */
  static async start(objects: KubeObject[] = [], opts: KubeApiOptions = {}, port = 0): Promise<KubeApiServer> {
    const s = new KubeApiServer(objects, opts);
    await s.listen(port);
    return s;
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Creates or replaces objects, emitting ADDED or MODIFIED events. */
  apply(...objects: KubeObject[]): void {
    for (const o of objects) this.store.apply(o);
  }

  /** Deletes an object, emitting DELETED. */
  delete(kind: string, namespace: string, name: string): boolean {
    return this.store.delete(kind, namespace, name);
  }

  /** Makes `path` (list and watch) answer `status` until cleared with `status` 0. */
  setStatus(path: string, status: number): void {
    if (status === 0) this.#status.delete(path);
    else this.#status.set(path, status);
  }

  /** Compacts the history and ends every open watch with a 410 ERROR event, forcing clients to re-list. */
  expireWatches(): void {
    this.store.compact();
    for (const w of this.#watchers) this.#gone(w.res);
    this.#watchers.clear();
  }

  /** Sends a BOOKMARK with the current resourceVersion on every open watch. */
  bookmark(): void {
    const rv = String(this.store.resourceVersion);
    for (const w of this.#watchers) {
      const { kind, apiVersion } = RESOURCES[w.resource];
      w.res.write(JSON.stringify({ type: 'BOOKMARK', object: { kind, apiVersion, metadata: { resourceVersion: rv } } }) + '\n');
    }
  }

  get openWatches(): number {
    return this.#watchers.size;
  }

  async listen(port = this.#port): Promise<void> {
    const server = createServer((req, res) => this.#handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.#server = server;
    this.#port = (server.address() as AddressInfo).port;
  }

  /** Stops listening and cuts every connection (watches included); the objects are kept for restart(). */
  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    this.#watchers.clear();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** Listens again on the same port. */
  async restart(): Promise<void> {
    await this.listen(this.#port);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    const injected = this.#status.get(url.pathname);
    if (req.method !== 'GET') return this.#json(res, 405, status(405, 'MethodNotAllowed', 'only GET is served'));
    if (this.#token !== undefined && req.headers.authorization !== `Bearer ${this.#token}`) {
      return this.#json(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    }
    if (injected !== undefined) return this.#json(res, injected, status(injected, 'Injected', `injected ${injected}`));
    if (url.pathname === '/apis/zalando.org/v1') return this.#json(res, 200, this.#zalandoResources());
    const m = PATH_RX.exec(url.pathname);
    const resource = m?.[2] as ResourceName | undefined;
    if (!m || !resource || (resource === 'routegroups' && this.#disableRouteGroups)) {
      return this.#json(res, 404, status(404, 'NotFound', `the server could not find the requested resource`));
    }
    const namespace = m[1];
    const match = parseLabelSelector(url.searchParams.get('labelSelector'));
    if (m[3] !== undefined) {
      const obj = this.store.get(resource, namespace ?? 'default', m[3]);
      return obj ? this.#json(res, 200, obj) : this.#json(res, 404, status(404, 'NotFound', `${resource} "${m[3]}" not found`));
    }
    const watch = url.searchParams.get('watch');
    if (watch === '1' || watch === 'true') return this.#watch(res, { resource, namespace, match, res }, url);
    const { kind, apiVersion } = RESOURCES[resource];
    this.#json(res, 200, {
      kind: `${kind}List`,
      apiVersion,
      metadata: { resourceVersion: String(this.store.resourceVersion) },
      items: this.store.list(resource, namespace, match),
    });
  }

  #watch(res: ServerResponse, w: Watcher, url: URL): void {
    const from = Number(url.searchParams.get('resourceVersion') || this.store.resourceVersion);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    const backlog = this.store.since(from);
    if (backlog === undefined) return this.#gone(res);
    for (const e of backlog) this.#send(w, e);
    this.#watchers.add(w);
    res.on('close', () => this.#watchers.delete(w));
    const timeout = Number(url.searchParams.get('timeoutSeconds') || 0);
    if (timeout > 0) {
      const t = setTimeout(() => res.end(), timeout * 1000);
      t.unref();
      res.on('close', () => clearTimeout(t));
    }
  }

  #fanOut(e: StoredEvent): void {
    for (const w of this.#watchers) this.#send(w, e);
  }

  /** Selector transitions become ADDED/DELETED, as the real watch cache reports them. */
  #send(w: Watcher, e: StoredEvent): void {
    if (w.resource !== e.resource) return;
    if (w.namespace !== undefined && e.object.metadata.namespace !== w.namespace) return;
    const now = w.match(e.object.metadata.labels);
    let type: string = e.type;
    if (e.type === 'MODIFIED') {
      const before = e.previous !== undefined && w.match(e.previous.metadata.labels);
      if (!before && !now) return;
      if (!before) type = 'ADDED';
      else if (!now) type = 'DELETED';
    } else if (!now) return;
    w.res.write(JSON.stringify({ type, object: e.object }) + '\n');
  }

  #gone(res: ServerResponse): void {
    const s = status(410, 'Expired', 'too old resource version');
    res.end(JSON.stringify({ type: 'ERROR', object: s }) + '\n');
  }

  #zalandoResources(): unknown {
    const resources = this.#disableRouteGroups
      ? []
      : [{ name: 'routegroups', singularName: 'routegroup', namespaced: true, kind: 'RouteGroup', verbs: ['get', 'list', 'watch'] }];
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'zalando.org/v1', resources };
  }

  #json(res: ServerResponse, code: number, body: unknown): void {
    const b = JSON.stringify(body);
    res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(b) });
    res.end(b);
  }
}

function status(code: number, reason: string, message: string): unknown {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}
