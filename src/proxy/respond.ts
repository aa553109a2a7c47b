/** Writes the final response, or an error response, to the client. */
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { FilterResponse } from '../routing/filter-contract.ts';
import { errorBody, errorStatus, ProxyError } from './errors.ts';
import { downstreamResponseHeaders } from './headers.ts';

/** A body that can hand over all of its content at once when it is already complete and unread. */
export interface WholeBody {
  /** The whole body, or null when it is not complete yet or reading has begun; the body is used up after. */
  takeWhole(): Buffer | null;
}

/** Where a response body that fails mid-way is noted (a backend failure, not the client's). */
export interface BodyOutcome {
  bodyError: Error | null;
}

/** Counts response body bytes for the access log. */
export interface ByteCounter {
  bytes: number;
}

/**
 * Go's server (suppressedHeaders): 1xx, 204 and 304 responses carry no framing headers, since they have no
 * content (RFC 9110 §6.4.1, §8.6); a 304 loses Content-Type as well.
 */
function stripBodyHeaders(h: Record<string, unknown>, status: number): void {
  delete h['content-length'];
  delete h['transfer-encoding'];
  if (status === 304) delete h['content-type'];
}

/**
 * A body that must not be sent (HEAD, 204, 304): read to its end while it is empty, so that the backend
 * connection is reused after a real bodiless response; the first byte proves a body nobody will send
 * (status(204) over a 200) and aborts it instead of reading it all.
 */
function dropBody(body: Readable): void {
  if (body.readableEnded) return;
  body.on('error', noop);
  body.once('data', () => body.destroy());
  body.resume();
}

/**
 * Streams `r` to the client with back-pressure. A body that fails mid-way (backend reset, backendTimeout)
 * destroys the client connection: after the headers went out, truncation is the only honest signal.
 * HEAD responses keep the Content-Length they were given and send no body.
 */
export function writeResponse(res: ServerResponse, r: FilterResponse, removeHop: boolean, counter: ByteCounter | null, outcome: BodyOutcome): void {
  const status = r.status;
  const headers = downstreamResponseHeaders(r.headers, removeHop);
  const bodiless = status < 200 || status === 204 || status === 304;
  if (bodiless) stripBodyHeaders(headers, status);
  res.writeHead(status, headers);
  const body = r.body;
  if (body === null) {
    res.end();
    return;
  }
  if (bodiless || res.req.method === 'HEAD') {
    dropBody(body);
    res.end();
    return;
  }
  const whole = (body as Readable & Partial<WholeBody>).takeWhole?.() ?? null;
  if (whole !== null) {
    if (counter !== null) counter.bytes += whole.length;
    res.end(whole);
    return;
  }
  if (counter !== null) body.on('data', (c: Buffer) => (counter.bytes += c.length));
  // pipe() rather than pipeline(): pipeline builds and aborts an AbortController per call, which cost
  // about 8% of the CPU of a proxied request (DOMException construction). The two error paths it covers:
  body.on('error', (err: Error) => {
    // A body destroyed because the client left ends without an error; this one failed on its own.
    if (!res.destroyed) outcome.bodyError = err;
    res.destroy();
  });
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
  res.writeHead(status, errorHeaders(err, text));
  res.end(text);
  if (counter !== null) counter.bytes += text.length;
  return status;
}

function errorHeaders(err: unknown, text: string): Record<string, string | number> {
  const h: Record<string, string | number> = {};
  if (err instanceof ProxyError && err.headers !== undefined) {
    for (const k of Object.keys(err.headers)) h[k.toLowerCase()] = err.headers[k]!;
  }
  h['content-type'] = 'text/plain; charset=utf-8';
  h['x-content-type-options'] = 'nosniff';
  h['content-length'] = Buffer.byteLength(text);
  return h;
}

/**
 * The response the proxy makes for a failure, as a FilterResponse, so that filters that handle errors
 * (Skipper's HandleErrorResponse: the queue and admission filters) can see and change it.
 */
export function errorResponse(err: unknown): FilterResponse {
  const status = errorStatus(err);
  const text = errorBody(status);
  const headers = errorHeaders(err, text);
  headers['content-length'] = String(headers['content-length']);
  return { status, headers: headers as Record<string, string>, body: Readable.from([Buffer.from(text)]) };
}
