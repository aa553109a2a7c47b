/**
 * What happens to a request body the exchange did not read to its end (a backend that answered early, a
 * backendTimeout, a filter that served or wrapped the body and left it): Go's server behaviour. Once the
 * response is finished, up to MAX_DRAIN_BYTES of the rest are read and dropped so the keep-alive
 * connection can carry the next request; when more remains, the connection is closed. When the response
 * headers are written and the unread rest is already known to be larger, they say `Connection: close`.
 *
 * node:http only discards bodies nobody ever started reading; a body some consumer read part of and
 * paused (a BodyLease undici dropped, a filter's wrapper nobody pulls) would stall the connection until a
 * server timeout, with the client's upload half sent.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Go's maxPostHandlerReadBytes. */
export const MAX_DRAIN_BYTES = 256 * 1024;

/**
 * How long a closing connection stays half-closed before it is destroyed (Go's rstAvoidanceDelay): closing
 * a socket with unread input sends a TCP RST, which can destroy response bytes still in flight.
 */
export const LINGER_MS = 500;

/**
 * The most body bytes that can have arrived with the request headers, before the request was handed over
 * (one socket read: libuv reads at most 64 KiB). Keeps the header-time estimate on the safe side.
 */
const FIRST_READ_BYTES = 64 * 1024;

/** Request bodies the proxy has taken back for draining: a BodyLease let go later must not pause them. */
const draining = new WeakSet<object>();

/** True when the proxy took `src` back after the response to drain it. */
export function isDraining(src: object): boolean {
  return draining.has(src);
}

function noop(): void {}

/**
 * Detaches whoever still consumes the body: after the response nothing reads it any more, and a pipe into a
 * wrapper nobody pulls, or a listener that pauses the source when its own buffer is full, would either
 * hold the drain back or buffer what it reads.
 */
function takeOver(req: IncomingMessage): void {
  draining.add(req);
  req.unpipe();
  req.removeAllListeners('data');
  // An async iterator (a filter's generator) listens for 'readable', which keeps the stream out of flowing
  // mode; node re-evaluates the mode on the next tick, after which resume() below takes effect.
  req.removeAllListeners('readable');
  req.on('error', noop);
}

/**
 * Half-closes the connection, stops reading, and destroys it after LINGER_MS. node's own close
 * (destroySoon: destroy as soon as the FIN is queued) is replaced, for the RST reason above.
 */
function lingerClose(req: IncomingMessage, socket: Socket): void {
  if (socket.destroyed) return;
  req.removeAllListeners('data');
  req.pause();
  socket.removeListener('finish', socket.destroy);
  if (!socket.writableEnded) socket.end();
  const t = setTimeout(() => socket.destroy(), LINGER_MS);
  t.unref();
  socket.once('close', () => clearTimeout(t));
}

/** Tracks one request body from the handler until the response is finished. */
export class UnreadBody {
  readonly #req: IncomingMessage;
  readonly #socket: Socket;
  readonly #startBytes: number;
  readonly #length: number;

  /** For a request that has a body; `res` is its response. */
  constructor(req: IncomingMessage, res: ServerResponse) {
    this.#req = req;
    this.#socket = req.socket;
    this.#startBytes = req.socket.bytesRead;
    const cl = req.headers['content-length'];
    this.#length = cl === undefined ? -1 : Number(cl);
    res.once('finish', () => this.#settle());
  }

  /**
   * Before the response headers: asks for `Connection: close` when the unread rest of a Content-Length
   * body is known to exceed MAX_DRAIN_BYTES (Go's requestTooLarge). A chunked body's rest is unknown
   * until it is drained.
   */
  beforeHeaders(res: ServerResponse): void {
    if (this.#length < 0 || this.#req.complete || res.headersSent) return;
    const read = this.#socket.bytesRead - this.#startBytes;
    if (this.#length - read - FIRST_READ_BYTES > MAX_DRAIN_BYTES) res.shouldKeepAlive = false;
  }

  #settle(): void {
    const req = this.#req;
    const socket = this.#socket;
    // complete: the parser saw the body's end and moves on to the next request by itself; what a consumer
    // left in req's buffer goes with req.
    if (req.complete || req.destroyed || socket.destroyed) return;
    takeOver(req);
    if (socket.writableEnded) {
      // The response said Connection: close and node is closing the connection.
      lingerClose(req, socket);
      return;
    }
    let left = MAX_DRAIN_BYTES;
    req.on('data', (chunk: Buffer) => {
      left -= chunk.length;
      if (left < 0) lingerClose(req, socket);
    });
    req.resume();
  }
}
