/**
 * The proxy listener: node:http (or node:https with -tls-cert) configured from Skipper's server timeouts.
 * Go's ReadTimeout bounds the whole request (node's requestTimeout), ReadHeaderTimeout the headers
 * (headersTimeout), IdleTimeout idle keep-alive connections (keepAliveTimeout). Go's WriteTimeout has no node
 * equivalent, so each response gets a timer that destroys it when it outlives the limit.
 *
 * Draining follows Go's Server.Shutdown: stop accepting, answer in-flight requests with `Connection: close`
 * so keep-alive clients do not send another request into a closing socket, close connections once they have
 * been idle for IDLE_GRACE_MS, and destroy what is left after a bound.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TlsSettings } from './tls.ts';

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
  inFlight: number;
  idleSince: number;
  /**
   * The write timeout of the connection's one request in flight: one timer per connection, re-armed with
   * refresh() per request, where a timer per request cost about 4 µs of CPU (measured, 57 vs 62 µs/request).
   */
  timer: NodeJS.Timeout | null;
  /** The response that timer bounds, null when it has ended. */
  timed: ServerResponse | null;
}

function closeAfterReply(res: ServerResponse): void {
  if (!res.headersSent) res.shouldKeepAlive = false;
  else res.once('finish', () => res.socket?.end());
}

export function createProxyServer(o: ProxyServerOptions): ProxyListener {
  const headersTimeout = o.readTimeoutMs > 0 && (o.readHeaderTimeoutMs === 0 || o.readHeaderTimeoutMs > o.readTimeoutMs)
    ? o.readTimeoutMs
    : o.readHeaderTimeoutMs;
  const options = {
    requestTimeout: o.readTimeoutMs,
    headersTimeout,
    keepAliveTimeout: o.idleTimeoutMs,
    maxHeaderSize: o.maxHeaderBytes,
    // Proxied requests are latency sensitive; Go's server sets TCP_NODELAY too.
    noDelay: true,
  };
  const inFlight = new Set<ServerResponse>();
  const conns = new Map<Socket, ConnState>();
  const writeTimeout = o.writeTimeoutMs;
  let closing = false;
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    inFlight.add(res);
    const conn = conns.get(req.socket);
    if (conn !== undefined) conn.inFlight++;
    if (closing) res.shouldKeepAlive = false;
    let timer: NodeJS.Timeout | undefined;
    if (writeTimeout > 0) {
      if (conn !== undefined && conn.inFlight === 1) {
        conn.timed = res;
        if (conn.timer === null) conn.timer = setTimeout(() => conn.timed?.destroy(), writeTimeout).unref();
        else conn.timer.refresh();
      } else {
        // Pipelined requests (or one after an upgrade): each keeps its own deadline.
        timer = setTimeout(() => res.destroy(), writeTimeout);
      }
    }
    // Emitted once per response (node guards it with _closed): on() spares once()'s wrapper.
    res.on('close', () => {
      if (timer !== undefined) clearTimeout(timer);
      inFlight.delete(res);
      if (conn !== undefined) {
        if (conn.timed === res) conn.timed = null;
        conn.inFlight--;
        conn.idleSince = performance.now();
      }
    });
    o.onRequest(req, res);
  };
  const server: Server = o.tls !== undefined ? createHttpsServer({ ...options, ...o.tls }, handler) : createHttpServer(options, handler);
  if (o.onUpgrade !== undefined) {
    const onUpgrade = o.onUpgrade;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      // An upgraded connection is never idle: draining leaves it to the bound, as before.
      const conn = conns.get(req.socket);
      if (conn !== undefined) conn.inFlight++;
      onUpgrade(req, socket, head);
    });
  }
  // req.socket is the TLS socket for HTTPS, the TCP socket otherwise.
  server.on(o.tls !== undefined ? 'secureConnection' : 'connection', (socket: Socket) => {
    const state: ConnState = { inFlight: 0, idleSince: performance.now(), timer: null, timed: null };
    conns.set(socket, state);
    socket.once('close', () => {
      if (state.timer !== null) clearTimeout(state.timer);
      conns.delete(socket);
    });
  });
  /** Closes connections without a request for IDLE_GRACE_MS; the others close after their Connection: close reply. */
  const closeIdle = (): void => {
    const now = performance.now();
    for (const [socket, c] of conns) {
      if (c.inFlight === 0 && now - c.idleSince >= IDLE_GRACE_MS) socket.destroy();
    }
  };

  return {
    server,
    get inFlight() {
      return inFlight.size;
    },
    async drain(boundMs) {
      closing = true;
      for (const res of inFlight) closeAfterReply(res);
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
