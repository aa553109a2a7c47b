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

/** writeTimeout filter: the response must be written within the time, else the connection is closed. */
export function armWriteTimeout(res: ServerResponse, ms: number): void {
  const t = setTimeout(() => res.destroy(), ms);
  res.once('close', () => clearTimeout(t));
}
