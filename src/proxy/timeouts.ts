/** The per-request client-side timeouts that filters set (Skipper's readTimeout and writeTimeout filters). */
import type { ServerResponse } from 'node:http';
import type { RequestContext } from './context.ts';
import { ProxyError } from './errors.ts';

/** readTimeout filter: the client must have sent the whole request body within the time. */
export function armReadTimeout(ctx: RequestContext): void {
  const ms = ctx.settingsIfAny?.readTimeoutMs;
  const body = ctx.request.body;
  if (ms === undefined || ms <= 0 || body === null || body.readableEnded) return;
  const t = setTimeout(() => body.destroy(new ProxyError('SKJ_ERR_PROXY_BAD_REQUEST', `request body not read within ${ms} ms`)), ms);
  body.once('end', () => clearTimeout(t));
  body.once('close', () => clearTimeout(t));
}

/**
 * The code a listener destroys a response with when it outlives the write timeout (src/server/http-server.ts),
 * so the proxy can tell it from a client that went away.
 */
export const WRITE_TIMEOUT = 'SKJ_SERVER_WRITE_TIMEOUT';

/**
 * How long one backend attempt may wait for response headers. With equal defaults (60 s each, as Skipper's)
 * the listener's write timeout, counted from the request's arrival, would cut the response first: the client
 * got an empty reply and the log a client abort. The wait therefore ends a margin before the write deadline.
 * The margin covers undici's coarse header timers, which tick every ~0.5 s and fire up to ~1 s late; below
 * 3 s left it is half of what is left (best effort; the listener's cut is then still logged as 504).
 */
export function headersTimeout(responseHeaderTimeoutMs: number, replyBy: number): number {
  const left = replyBy - performance.now();
  let within = Math.max(1, left > 3000 ? left - 1500 : left / 2);
  // Whole seconds above 2 s: undici re-creates a connection's timer whenever the value changes, and
  // refreshes it when it is the same as for the previous request.
  if (within >= 2000) within = Math.floor(within / 1000) * 1000;
  return responseHeaderTimeoutMs > 0 ? Math.min(responseHeaderTimeoutMs, within) : within;
}

/** writeTimeout filter: the response must be written within the time, else the connection is closed. */
export function armWriteTimeout(res: ServerResponse, ms: number): void {
  const t = setTimeout(() => res.destroy(), ms);
  res.once('close', () => clearTimeout(t));
}
