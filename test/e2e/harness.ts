/**
 * End-to-end harness: the real eskip parser, route compiler, filters, load balancers and proxy engine behind a
 * node:http listener on 127.0.0.1:0, in front of real node:http backends on 127.0.0.x. Everything a test
 * starts is stopped in t.after, pass or fail. Waits are on conditions, never on fixed sleeps.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { parse } from '../../src/eskip/index.ts';
import { builtinFilters } from '../../src/filters/builtin.ts';
import type { FilterSpec } from '../../src/routing/filter-contract.ts';
import { createLoadBalancer } from '../../src/loadbalancer/index.ts';
import { builtinPredicates, type PredicateEnv } from '../../src/predicates/builtin.ts';
import { createProxy } from '../../src/proxy/proxy.ts';
import type { ProxyObserver, ProxyOptions } from '../../src/proxy/types.ts';
import { compileRoutes } from '../../src/routing/compile.ts';
import { RouteTableHolder } from '../../src/routing/holder.ts';
import type { RouteTable } from '../../src/routing/types.ts';

/** One request as a backend received it, body included. */
export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Sizes of the body's reads, in order: shows how the body was sliced on the wire. */
  reads: number[];
}

/** Answers a request after its body was read; the default echoes it as JSON. */
export type BackendHandler = (req: Received, res: http.ServerResponse) => void;

export interface Backend {
  name: string;
  /** http://127.0.0.x:port */
  url: string;
  /** 127.0.0.x:port */
  host: string;
  received: Received[];
  /** Called with each request as soon as its headers arrived, before the body is read. */
  onRequest: ((req: http.IncomingMessage) => void) | null;
}

/** Echo: status 200, `x-backend: <name>`, and a JSON body with method, url, headers and the body text. */
export function echo(name: string): BackendHandler {
  return (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-backend': name });
    res.end(JSON.stringify({ name, method: req.method, url: req.url, headers: req.headers, body: req.body.toString() }));
  };
}

async function listen(t: TestContext, server: http.Server, ip: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, ip, () => resolve());
  });
  t.after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return (server.address() as AddressInfo).port;
}

/** A bare node:http server on `ip`, for backends that must misbehave (never read, answer early). */
export async function rawServer(t: TestContext, handler: http.RequestListener, ip = '127.0.0.1'): Promise<{ url: string; host: string }> {
  const port = await listen(t, http.createServer(handler), ip);
  return { url: `http://${ip}:${port}`, host: `${ip}:${port}` };
}

/** Starts a backend on `ip` (default 127.0.0.1) that records every request and answers with `handler`. */
export async function backend(t: TestContext, name: string, handler: BackendHandler = echo(name), ip = '127.0.0.1'): Promise<Backend> {
  const b: Backend = { name, url: '', host: '', received: [], onRequest: null };
  const server = http.createServer((req, res) => {
    b.onRequest?.(req);
    const chunks: Buffer[] = [];
    const reads: number[] = [];
    req.on('data', (c: Buffer) => {
      chunks.push(c);
      reads.push(c.length);
    });
    req.on('end', () => {
      const r: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), reads };
      b.received.push(r);
      handler(r, res);
    });
  });
  const port = await listen(t, server, ip);
  b.host = `${ip}:${port}`;
  b.url = `http://${b.host}`;
  return b;
}

export interface LogLine {
  level: string;
  message: string;
}

export interface E2EOptions {
  proxy?: ProxyOptions;
  observer?: ProxyObserver;
  predicates?: PredicateEnv;
  /** Test-only filters added to the built-in ones (e.g. a gate that holds a request at a known point). */
  filters?: FilterSpec[];
}

/** A route table generation with a flag showing whether the holder released it. */
export interface TrackedTable extends RouteTable {
  readonly released: boolean;
}

export interface E2E {
  /** http://127.0.0.1:port of the proxy. */
  url: string;
  port: number;
  /** The table new requests use. */
  table: TrackedTable;
  holder: RouteTableHolder;
  /** Application log lines (filters such as logHeader and logBody write here). */
  logs: LogLine[];
  /** Compiles `eskip` as the next generation and swaps it in; returns the new table. */
  swap(eskip: string): TrackedTable;
}

/** Parses and compiles eskip text with the built-in predicates, filters and load balancers. */
export function compileEskip(eskip: string, generation: number, o: E2EOptions = {}): TrackedTable {
  const inner = compileRoutes(parse(eskip), {
    predicates: builtinPredicates(o.predicates),
    filters: builtinFilters(o.filters),
    lbFactory: createLoadBalancer,
    generation,
  });
  let released = false;
  // Delegates to the compiled table; only release() is observed.
  return {
    generation: inner.generation,
    routes: inner.routes,
    invalid: inner.invalid,
    lookup: (r) => inner.lookup(r),
    release() {
      released = true;
      inner.release();
    },
    get released() {
      return released;
    },
  };
}

/** Starts the proxy engine with `eskip` as its route table, on 127.0.0.1 and an ephemeral port. */
export async function startProxy(t: TestContext, eskip: string, o: E2EOptions = {}): Promise<E2E> {
  const logs: LogLine[] = [];
  const log = (level: string) => (message: string) => void logs.push({ level, message });
  const logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  let generation = 1;
  const first = compileEskip(eskip, generation, o);
  const holder = new RouteTableHolder(first);
  const proxy = createProxy(holder, { logger, ...o.proxy }, o.observer);
  const server = http.createServer((req, res) => proxy.handleRequest(req, res));
  server.on('upgrade', (req, socket, head) => proxy.handleUpgrade(req, socket, head));
  const port = await listen(t, server, '127.0.0.1');
  // After hooks run in registration order: the listener closes first, then the proxy's backend pools.
  t.after(() => proxy.close());
  const e: E2E = {
    url: `http://127.0.0.1:${port}`,
    port,
    table: first,
    holder,
    logs,
    swap(text) {
      const next = compileEskip(text, ++generation, o);
      holder.swap(next);
      e.table = next;
      return next;
    },
  };
  return e;
}

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** The body as the client's reads delivered it. */
  reads: Buffer[];
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string | string[]>;
  /** One buffer is sent with Content-Length; an array is sent chunked, one write per element. */
  body?: string | Buffer | (string | Buffer)[];
  /** Called with the response as soon as its headers arrived. */
  onResponse?: (res: http.IncomingMessage) => void;
}

/** One request over a fresh connection (no pooling: connection state never leaks between cases). */
export function request(url: string, o: RequestOptions = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: o.method ?? 'GET', headers: o.headers, agent: false }, (res) => {
      o.onResponse?.(res);
      const reads: Buffer[] = [];
      res.on('data', (c: Buffer) => reads.push(c));
      res.on('end', () => {
        const body = Buffer.concat(reads);
        resolve({ status: res.statusCode!, headers: res.headers, body, text: body.toString(), reads });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (Array.isArray(o.body)) {
      for (const part of o.body) req.write(part);
      req.end();
    } else {
      req.end(o.body);
    }
  });
}

/** Resolves once `cond()` holds; rejects after `ms` (a bound for a hung test, not a timing assertion). */
export async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The JSON an echo backend answered with. */
export function echoed(r: Response): { name: string; method: string; url: string; headers: http.IncomingHttpHeaders; body: string } {
  return JSON.parse(r.text);
}

/** A test filter `gate()` that holds every request at its position in the chain until open() is called. */
export interface Gate {
  spec: FilterSpec;
  /** Requests that reached the gate so far. */
  reached: number;
  open(): void;
}

export function gate(name = 'gate'): Gate {
  let release!: () => void;
  const opened = new Promise<void>((r) => (release = r));
  const g: Gate = {
    reached: 0,
    open: () => release(),
    spec: {
      name,
      create: () => ({
        name,
        request: () => {
          g.reached++;
          return opened;
        },
      }),
    },
  };
  return g;
}
