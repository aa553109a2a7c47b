/**
 * The proxy listener: node:http (or node:https with -tls-cert) configured from Skipper's server timeouts.
 * Go's ReadTimeout bounds the whole request (node's requestTimeout), ReadHeaderTimeout the headers
 * (headersTimeout), IdleTimeout idle keep-alive connections (keepAliveTimeout). Go's WriteTimeout has no node
 * equivalent, so each response gets a timer that destroys it when it outlives the limit.
 *
 * Draining follows Go's Server.Shutdown: stop accepting, answer in-flight requests with `Connection: close`
 * so keep-alive clients do not send another request into a closing socket, close connections as they become
 * idle, and destroy what is left after a bound.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
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
  const writeTimeout = o.writeTimeoutMs;
  let closing = false;
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    inFlight.add(res);
    if (closing) res.shouldKeepAlive = false;
    const timer = writeTimeout > 0 ? setTimeout(() => res.destroy(), writeTimeout) : undefined;
    res.once('close', () => {
      if (timer !== undefined) clearTimeout(timer);
      inFlight.delete(res);
    });
    o.onRequest(req, res);
  };
  const server: Server = o.tls !== undefined ? createHttpsServer({ ...options, ...o.tls }, handler) : createHttpServer(options, handler);
  if (o.onUpgrade !== undefined) server.on('upgrade', o.onUpgrade);

  return {
    server,
    get inFlight() {
      return inFlight.size;
    },
    async drain(boundMs) {
      closing = true;
      for (const res of inFlight) closeAfterReply(res);
      if (!server.listening) return true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
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
