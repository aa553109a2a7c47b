/**
 * Route listings written as a stream of small pieces, never as one document-sized string: a table of a
 * million routes is tens of megabytes of eskip, and building it whole per generation (or per request) costs
 * that much heap again. The same piece sequence feeds the ETag hash (once per generation) and the response
 * (per request), so the tag always describes the bytes sent. Shared by the support listener and routesrv.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { printExpression, printRoute } from '../eskip/index.ts';
import type { RouteDef } from '../eskip/index.ts';

/** Bytes gathered before one `res.write`: large enough to keep syscalls few, small enough to bound memory. */
const BATCH_CHARS = 64 * 1024;

/** A half-open slice `[from, to)` of the valid routes, from Skipper's `offset` and `limit` query params. */
export interface RoutesPage {
  from: number;
  to: number;
  /** True when offset/limit were given; the ETag then names the page. */
  paged: boolean;
}

/**
 * Reads `offset` and `limit` as Skipper's /routes does (non-negative integers, limit defaulting to all).
 * Returns a message for a malformed value, which the caller answers with 400.
 */
export function parsePage(params: URLSearchParams, total: number): RoutesPage | string {
  const read = (name: string, dflt: number): number | string => {
    const v = params.get(name);
    if (v === null) return dflt;
    if (!/^\d{1,15}$/.test(v)) return `invalid ${name} ${JSON.stringify(v.slice(0, 40))}: want a non-negative integer`;
    return Number(v);
  };
  const offset = read('offset', 0);
  if (typeof offset === 'string') return offset;
  const limit = read('limit', total);
  if (typeof limit === 'string') return limit;
  const from = Math.min(offset, total);
  return { from, to: Math.min(total, from + limit), paged: params.has('offset') || params.has('limit') };
}

/**
 * The eskip text of `routes[from, to)`, one piece per route. A list of one route without id prints as a bare
 * expression, as Skipper's eskip.Print does (`: expr;` would not parse back).
 */
export function* eskipPieces(routes: readonly RouteDef[], from = 0, to = routes.length): Generator<string> {
  if (routes.length === 1 && routes[0]!.id === '' && from === 0 && to === 1) {
    yield `${printExpression(routes[0]!)}\n`;
    return;
  }
  for (let i = from; i < to; i++) yield `${printRoute(routes[i]!)};\n`;
}

/**
 * `"…"`: sha256 over the pieces; `short` is base64url truncated like skipjack's other tags, `hex` the full
 * hex digest Skipper's routesrv sends.
 */
export function etagOfPieces(pieces: Iterable<string>, form: 'short' | 'hex' = 'short'): string {
  const h = createHash('sha256');
  for (const p of pieces) h.update(p);
  return form === 'hex' ? `"${h.digest('hex')}"` : `"${h.digest('base64url').slice(0, 27)}"`;
}

/** The ETag of one page of a listing whose full tag is `full`: distinct per page, stable per generation. */
export function pageEtag(full: string, page: RoutesPage): string {
  return page.paged ? `${full.slice(0, -1)}.${page.from}.${page.to}"` : full;
}

/** True when If-None-Match names `etag` (or `*`). */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  return ifNoneMatch !== undefined && ifNoneMatch.split(',').some((t) => t.trim() === etag || t.trim() === '*');
}

/**
 * Writes the pieces as a chunked body in batches of about 64 KiB, waiting for 'drain' whenever the socket
 * buffer is full, so a slow reader holds back rendering instead of growing the heap. Ends the response;
 * stops early when the client goes away.
 */
export async function writePieces(res: ServerResponse, pieces: Iterable<string>): Promise<void> {
  let batch = '';
  for (const p of pieces) {
    batch += p;
    if (batch.length < BATCH_CHARS) continue;
    if (res.destroyed) return;
    const ok = res.write(batch);
    batch = '';
    if (!ok) await drained(res);
  }
  if (res.destroyed) return;
  res.end(batch);
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
