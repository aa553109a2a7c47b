/**
 * Test harness for the proxy: hand-built routes in a tiny route table and holder (the real compiler lives in
 * src/routing), real node:http backends and a real proxy listener on 127.0.0.1 with ephemeral ports.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import type { BackendType } from '../../src/eskip/ast.ts';
import type { FilterInstance } from '../../src/routing/filter-contract.ts';
import { createLoadBalancer } from '../../src/loadbalancer/index.ts';
import { createProxy } from '../../src/proxy/proxy.ts';
import type { Proxy, ProxyObserver, ProxyOptions, TableSource } from '../../src/proxy/types.ts';
import type { Route, RouteMatch, RouteTable, RoutingRequest } from '../../src/routing/types.ts';

export interface RouteSpec {
  id: string;
  /** Matches when it returns true; default: every request. */
  match?: (r: RoutingRequest) => boolean;
  filters?: FilterInstance[];
  /** A URL, '<shunt>', '<loopback>', '<dynamic>', '<forward>', or an LB backend. */
  backend: string | { algorithm: string; endpoints: string[] };
  params?: Record<string, string>;
}

export function makeRoute(s: RouteSpec): Route {
  const filters = s.filters ?? [];
  let backendType: BackendType;
  let backendUrl: URL | null = null;
  let lb = null;
  if (typeof s.backend !== 'string') {
    backendType = 'lb';
    lb = createLoadBalancer(s.backend.algorithm, s.backend.endpoints);
  } else if (s.backend.startsWith('<')) {
    backendType = s.backend.slice(1, -1) as BackendType;
  } else {
    backendType = 'network';
    backendUrl = new URL(s.backend);
  }
  const req = filters.filter((f) => f.request !== undefined);
  const res = filters.filter((f) => f.response !== undefined).reverse();
  return {
    id: s.id,
    def: { id: s.id, predicates: [], filters: [], backendType, backend: backendUrl?.href },
    filters,
    requestFilters: req.length > 0 ? req : null,
    responseFilters: res.length > 0 ? res : null,
    backendUrl,
    lb,
  };
}

let generations = 0;

export function makeTable(specs: RouteSpec[]): RouteTable & { released: boolean } {
  const routes = specs.map(makeRoute);
  const t = {
    generation: ++generations,
    routes,
    invalid: [],
    released: false,
    lookup(r: RoutingRequest): RouteMatch | null {
      for (let i = 0; i < specs.length; i++) {
        if (specs[i]!.match === undefined || specs[i]!.match!(r)) return { route: routes[i]!, params: specs[i]!.params ?? {} };
      }
      return null;
    },
    release() {
      t.released = true;
    },
  };
  return t;
}

/** A minimal holder: counts pins per generation and releases a replaced generation after its last request. */
export class TestHolder implements TableSource {
  current: RouteTable;
  readonly pins = new Map<RouteTable, number>();
  constructor(t: RouteTable) {
    this.current = t;
  }
  acquire(): RouteTable {
    this.pins.set(this.current, (this.pins.get(this.current) ?? 0) + 1);
    return this.current;
  }
  done(t: RouteTable): void {
    const n = this.pins.get(t)! - 1;
    this.pins.set(t, n);
    if (n === 0 && t !== this.current) t.release();
  }
  swap(t: RouteTable): void {
    const old = this.current;
    this.current = t;
    if ((this.pins.get(old) ?? 0) === 0) old.release();
  }
  pinned(): number {
    let n = 0;
    for (const v of this.pins.values()) n += v;
    return n;
  }
}

export const quiet = { debug() {}, info() {}, warn() {}, error() {} };

export async function listen(t: TestContext, handler: http.RequestListener, onUpgrade?: (req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => void): Promise<{ server: http.Server; url: string; port: number }> {
  const server = http.createServer(handler);
  if (onUpgrade) server.on('upgrade', onUpgrade);
  // closeAllConnections() does not reach upgraded sockets: track every connection.
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => {
    server.close(() => r());
    for (const s of sockets) s.destroy();
  }));
  const port = (server.address() as AddressInfo).port;
  return { server, url: `http://127.0.0.1:${port}`, port };
}

/** A backend that answers with a JSON echo of what it received. */
export function echoBackend(t: TestContext, name = 'echo'): Promise<{ server: http.Server; url: string; port: number }> {
  return listen(t, (req, res) => {
    let size = 0;
    req.on('data', (c: Buffer) => (size += c.length));
    req.on('end', () => {
      const body = JSON.stringify({ name, method: req.method, url: req.url, headers: req.headers, size });
      res.writeHead(200, { 'content-type': 'application/json', 'x-backend': name });
      res.end(body);
    });
  });
}

export interface ProxyUnderTest<H extends TableSource = TestHolder> {
  proxy: Proxy;
  url: string;
  port: number;
  holder: H;
}

/** A proxy on hand-built routes (a fresh TestHolder) or on any holder given. */
export async function startProxy(t: TestContext, specs: RouteSpec[], options?: ProxyOptions, observer?: ProxyObserver): Promise<ProxyUnderTest>;
export async function startProxy<H extends TableSource>(t: TestContext, holder: H, options?: ProxyOptions, observer?: ProxyObserver): Promise<ProxyUnderTest<H>>;
export async function startProxy(t: TestContext, specs: RouteSpec[] | TableSource, options: ProxyOptions = {}, observer?: ProxyObserver): Promise<ProxyUnderTest<TableSource>> {
  const holder = Array.isArray(specs) ? new TestHolder(makeTable(specs)) : specs;
  const proxy = createProxy(holder, { logger: quiet, ...options }, observer);
  t.after(() => proxy.close());
  const { url, port } = await listen(t, (req, res) => proxy.handleRequest(req, res), (req, socket, head) => proxy.handleUpgrade(req, socket, head));
  return { proxy, url, port, holder };
}

export interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request over a fresh connection (no pooling in tests: connection state never leaks between cases). */
export function get(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** An endpoint URL whose port refuses connections: bound once, then closed. */
export async function refusingEndpoint(): Promise<string> {
  // On an address of its own: a port freed on 127.0.0.1 can be given to the next listener there (the test's
  // own proxy, started just after, or another test's server), which then answers instead of refusing — once a
  // proxy called itself, 8 attempts behind one request.
  const host = '127.0.0.254';
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, host, r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://${host}:${port}`;
}
