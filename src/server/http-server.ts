/**
 * The proxy listener: node:http (or node:https with -tls-cert) configured from Skipper's server timeouts.
 * Go's ReadTimeout bounds the whole request (node's requestTimeout), ReadHeaderTimeout the headers
 * (headersTimeout; node enforces both only every connectionsCheckingInterval, set from them), IdleTimeout
 * idle keep-alive connections (keepAliveTimeout). Go's WriteTimeout has no node equivalent, so each
 * response gets a timer that destroys it when it outlives the limit.
 *
 * Draining follows Go's Server.Shutdown: stop accepting, answer in-flight requests with `Connection: close`
 * so keep-alive clients do not send another request into a closing socket, close connections once they have
 * been idle for IDLE_GRACE_MS, and destroy what is left after a bound.
 */
import { createServer as createHttpServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TlsSettings } from './tls.ts';
import { WRITE_TIMEOUT } from '../proxy/timeouts.ts';

export interface ServerTimeouts {
  readTimeoutMs: number;
  readHeaderTimeoutMs: number;
  writeTimeoutMs: number;
  idleTimeoutMs: number;
  maxHeaderBytes: number;
}

export interface ProxyServerOptions extends ServerTimeouts {
  tls?: TlsSettings;
  onRequest(req: IncomingMessage, res: ServerResponse): void;
  onUpgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

export interface ProxyListener {
  readonly server: Server;
  /** Requests being served right now. */
  readonly inFlight: number;
  /** Resolves true when every request finished within boundMs, false when leftovers were cut. */
  drain(boundMs: number): Promise<boolean>;
}

/**
 * How long a keep-alive connection must have been without a request before draining closes it. node counts
 * a connection as idle while the next request's bytes still wait unread on a busy event loop, so closing
 * "idle" connections at once (server.close() does) resets requests the client already sent.
 */
const IDLE_GRACE_MS = 500;

/** Per connection: requests in flight on it and when the last one ended. */
interface ConnState {
  readonly socket: Socket;
  /** Requests in flight, an upgraded connection counting as one. */
  inFlight: number;
  idleSince: number;
  /**
   * The write timeout of the connection's one request in flight: one timer per connection, re-armed with
   * refresh() per request, where a timer per request cost about 4 µs of CPU (measured, 57 vs 62 µs/request).
   */
  timer: NodeJS.Timeout | null;
  /** The response that timer bounds, null when it has ended. */
  timed: ServerResponse | null;
  /** Responses in flight on the connection: usually none or one, more when requests were pipelined. */
  readonly responses: ServerResponse[];
  /**
   * Pipelined requests not started yet, in arrival order. node:http emits every pipelined request at once;
   * they are started one at a time, each after the previous response ended (RFC 9112 §9.3.2 answers in
   * order; a backend sees them in order too), and none after a response that closes the connection.
   */
  readonly waiting: Array<IncomingMessage | ServerResponse>;
  /** The response being produced for the request started last; null when none is. */
  active: ServerResponse | null;
  /** What to send, then close, once the responses in flight ended: the answer to a request node could not parse. */
  lastWords: string | null;
  prev: ConnState | null;
  next: ConnState | null;
}

/**
 * The open connections, as an intrusive list. Not a Map or Set: a Map that gains and loses an entry per
 * request (or per connection, for clients that close after each request) leaves a chain of rehashed tables,
 * each pointing to the next, and once one is promoted to the old generation, every request object that any
 * later table referenced survives the young-generation collections. Tracking in-flight responses in a Set
 * made 5 MB survive each scavenge at 17k requests/s, pauses of 4–9 ms instead of under 1 ms, and the
 * proxy's p99 latency 1.4–1.6× the bare proxy's (docs/performance-proxy.md).
 */
class ConnList {
  head: ConnState | null = null;
  add(c: ConnState): void {
    c.next = this.head;
    if (this.head !== null) this.head.prev = c;
    this.head = c;
  }
  remove(c: ConnState): void {
    if (c.prev !== null) c.prev.next = c.next;
    else if (this.head === c) this.head = c.next;
    if (c.next !== null) c.next.prev = c.prev;
    c.prev = c.next = null;
  }
}

/** Tells the proxy that the listener, not the client, ended the response (src/proxy/timeouts.ts). */
function writeTimeoutError(): Error {
  return Object.assign(new Error('response not written within the write timeout'), { code: WRITE_TIMEOUT });
}

/** Whether every request of these responses was read to its end. */
function allRead(responses: readonly ServerResponse[]): boolean {
  for (const r of responses) if (!r.req.complete) return false;
  return true;
}

/** Removes `x` from a short array in place. */
function removeFrom<T>(xs: T[], x: T): void {
  const i = xs.indexOf(x);
  if (i === -1) return;
  if (i === xs.length - 1) xs.pop();
  else xs.splice(i, 1);
}

function closeAfterReply(res: ServerResponse): void {
  if (!res.headersSent) res.shouldKeepAlive = false;
  else res.once('finish', () => res.socket?.end());
}

/**
 * How often node checks headersTimeout and requestTimeout. Its default, 30 s, let a 5 s
 * -read-header-timeout-server hold a slowloris connection for up to 35 s; a tenth of the shortest
 * limit keeps each within 10 % of what was configured, at one walk over the connections per tick.
 */
function checkingInterval(headersTimeoutMs: number, requestTimeoutMs: number): number {
  const limits = [headersTimeoutMs, requestTimeoutMs].filter((ms) => ms > 0);
  if (limits.length === 0) return 30_000;
  return Math.min(30_000, Math.max(100, Math.floor(Math.min(...limits) / 10)));
}

/** The status for a request node's parser rejected, as node (and nginx) answer it; 0: nothing to answer. */
function clientErrorStatus(code: string | undefined): number {
  switch (code) {
    case 'HPE_CLOSED_CONNECTION': return 0; // bytes after a request that closes the connection: ignored
    case 'HPE_HEADER_OVERFLOW': return 431;
    case 'ERR_HTTP_REQUEST_TIMEOUT': return 408;
    case 'HPE_INVALID_VERSION': return 505;
    default: return 400;
  }
}

export function createProxyServer(o: ProxyServerOptions): ProxyListener {
  const headersTimeout = o.readTimeoutMs > 0 && (o.readHeaderTimeoutMs === 0 || o.readHeaderTimeoutMs > o.readTimeoutMs)
    ? o.readTimeoutMs
    : o.readHeaderTimeoutMs;
  const options = {
    requestTimeout: o.readTimeoutMs,
    headersTimeout,
    keepAliveTimeout: o.idleTimeoutMs,
    connectionsCheckingInterval: checkingInterval(headersTimeout, o.readTimeoutMs),
    maxHeaderSize: o.maxHeaderBytes,
    // Proxied requests are latency sensitive; Go's server sets TCP_NODELAY too.
    noDelay: true,
  };
  const conns = new ConnList();
  const connOf = new WeakMap<Socket, ConnState>();
  /** Responses whose connection was not seen (defensive: every request should come through a known one). */
  const unattached: ServerResponse[] = [];
  let inFlight = 0;
  const writeTimeout = o.writeTimeoutMs;
  let closing = false;
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    inFlight++;
    const conn = connOf.get(req.socket);
    if (conn !== undefined) {
      conn.inFlight++;
      conn.responses.push(res);
    } else {
      unattached.push(res);
    }
    if (closing) res.shouldKeepAlive = false;
    let timer: NodeJS.Timeout | undefined;
    if (writeTimeout > 0) {
      if (conn !== undefined && conn.inFlight === 1) {
        conn.timed = res;
        if (conn.timer === null) conn.timer = setTimeout(() => conn.timed?.destroy(writeTimeoutError()), writeTimeout).unref();
        else conn.timer.refresh();
      } else {
        // Pipelined requests (or one after an upgrade): each keeps its own deadline.
        timer = setTimeout(() => res.destroy(writeTimeoutError()), writeTimeout);
      }
    }
    // Emitted once per response (node guards it with _closed): on() spares once()'s wrapper.
    res.on('close', () => {
      if (timer !== undefined) clearTimeout(timer);
      inFlight--;
      if (conn !== undefined) {
        removeFrom(conn.responses, res);
        if (conn.timed === res) conn.timed = null;
        conn.inFlight--;
        conn.idleSince = performance.now();
        if (conn.active === res) startNext(conn, res);
        else if (conn.waiting.length > 0) dropWaiting(conn, res);
        if (conn.lastWords !== null && conn.responses.length === 0) {
          conn.socket.write(conn.lastWords);
          conn.socket.destroySoon();
        }
      } else {
        removeFrom(unattached, res);
      }
    });
    if (conn === undefined) o.onRequest(req, res);
    else if (conn.active === null) {
      conn.active = res;
      o.onRequest(req, res);
    } else {
      conn.waiting.push(req, res);
    }
  };
  /**
   * The response to the started request ended: start the next pipelined one, unless that response closes
   * the connection (a rejected request, Connection: close, draining). What follows such a response was
   * never answered, so it must not reach a backend either; node closes the socket after the response.
   */
  const startNext = (conn: ConnState, done: ServerResponse): void => {
    conn.active = null;
    if (conn.waiting.length === 0) return;
    if (!done.shouldKeepAlive || !done.writableFinished || conn.socket.destroyed) {
      conn.waiting.length = 0;
      return;
    }
    const req = conn.waiting.shift() as IncomingMessage;
    const res = conn.waiting.shift() as ServerResponse;
    conn.active = res;
    if (closing) res.shouldKeepAlive = false;
    o.onRequest(req, res);
  };
  /** A waiting request's response closed (its connection went away) before it was started. */
  const dropWaiting = (conn: ConnState, res: ServerResponse): void => {
    const i = conn.waiting.indexOf(res);
    if (i !== -1) conn.waiting.splice(i - 1, 2);
  };
  const server: Server = o.tls !== undefined ? createHttpsServer({ ...options, ...o.tls }, handler) : createHttpServer(options, handler);
  if (o.onUpgrade !== undefined) {
    const onUpgrade = o.onUpgrade;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      // An upgraded connection is never idle: draining leaves it to the bound, as before.
      const conn = connOf.get(req.socket);
      if (conn !== undefined) conn.inFlight++;
      onUpgrade(req, socket, head);
    });
  }
  // req.socket is the TLS socket for HTTPS, the TCP socket otherwise.
  server.on(o.tls !== undefined ? 'secureConnection' : 'connection', (socket: Socket) => {
    const state: ConnState = {
      socket, inFlight: 0, idleSince: performance.now(), timer: null, timed: null, responses: [], waiting: [], active: null, lastWords: null,
      prev: null, next: null,
    };
    conns.add(state);
    connOf.set(socket, state);
    socket.once('close', () => {
      if (state.timer !== null) clearTimeout(state.timer);
      conns.remove(state);
    });
  });
  // A request node's parser rejects (bad syntax, headers too large, data after Connection: close, header
  // timeout) ends the connection, but only after the responses to the requests before it: node's default
  // writes its 400 at once, in place of a response still on its way.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = clientErrorStatus(err.code);
    const words = status === 0 ? '' : `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`;
    const conn = connOf.get(socket as Socket);
    if (conn === undefined || conn.responses.length === 0 || !allRead(conn.responses)) {
      // Nothing in flight, or the error concerns a request still being read (a request timeout, a broken
      // chunked body): answer now if nothing of a response went out yet, and cut the connection.
      const current = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
      if (words !== '' && (current == null || !current.headersSent)) socket.write(words);
      (socket as Socket).destroySoon();
      return;
    }
    // The bad bytes follow requests read whole: those are still answered, in order; then the connection ends.
    conn.lastWords = words;
  });
  /** Closes connections without a request for IDLE_GRACE_MS; the others close after their Connection: close reply. */
  const closeIdle = (): void => {
    const now = performance.now();
    for (let c = conns.head; c !== null;) {
      const next = c.next;
      if (c.inFlight === 0 && now - c.idleSince >= IDLE_GRACE_MS) c.socket.destroy();
      c = next;
    }
  };

  return {
    server,
    get inFlight() {
      return inFlight;
    },
    async drain(boundMs) {
      closing = true;
      for (let c = conns.head; c !== null; c = c.next) for (const res of c.responses) closeAfterReply(res);
      for (const res of unattached) closeAfterReply(res);
      if (!server.listening) return true;
      // net's close stops accepting without http's immediate closeIdleConnections() (see IDLE_GRACE_MS).
      const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
      closeIdle();
      const sweep = setInterval(closeIdle, 50);
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), boundMs);
      });
      try {
        const timedOut = await Promise.race([closed.then(() => false), expired]);
        if (timedOut) server.closeAllConnections();
        return !timedOut;
      } finally {
        clearInterval(sweep);
        clearTimeout(timer);
      }
    },
  };
}
