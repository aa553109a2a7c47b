/** Writes the final response, or an error response, to the client. */
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { FilterResponse } from '../filters/types.ts';
import { errorBody, errorStatus } from './errors.ts';
import { downstreamResponseHeaders } from './headers.ts';

/** Counts response body bytes for the access log. */
export interface ByteCounter {
  bytes: number;
}

/**
 * Streams `r` to the client with back-pressure. A body that fails mid-way (backend reset, backendTimeout)
 * destroys the client connection: after the headers went out, truncation is the only honest signal.
 */
export function writeResponse(res: ServerResponse, r: FilterResponse, removeHop: boolean, counter: ByteCounter | null): void {
  res.writeHead(r.status, downstreamResponseHeaders(r.headers, removeHop));
  const body = r.body;
  if (body === null) {
    res.end();
    return;
  }
  if (counter !== null) body.on('data', (c: Buffer) => (counter.bytes += c.length));
  // pipe() rather than pipeline(): pipeline builds and aborts an AbortController per call, which cost
  // about 8% of the CPU of a proxied request (DOMException construction). The two error paths it covers:
  body.on('error', () => res.destroy());
  res.once('close', () => {
    if (!body.readableEnded) body.destroy();
  });
  body.pipe(res);
}

function noop(): void {}

/** Drops a response body nobody will read; its late 'error' (undici's abort) must not become uncaught. */
export function discard(body: Readable | null | undefined, drain = false): void {
  if (body === null || body === undefined) return;
  body.on('error', noop);
  if (drain) body.resume();
  else body.destroy();
}

/** Answers a failure with its status and a short text body; resets the connection when headers already went out. */
export function writeError(res: ServerResponse, err: unknown, counter: ByteCounter | null): number {
  const status = errorStatus(err);
  if (res.destroyed || res.writableEnded) return status;
  if (res.headersSent) {
    res.destroy();
    return status;
  }
  const text = errorBody(status);
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
  if (counter !== null) counter.bytes += text.length;
  return status;
}
