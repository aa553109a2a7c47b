/**
 * compress([level], [mime types…]): compresses the response body with the best encoding the client
 * accepts (gzip, deflate, br), streaming and flushing after every chunk as Skipper does.
 *
 * Skipped when the response is already encoded (anything but identity), has `Cache-Control: no-transform`,
 * has a Content-Type outside the list, or has no body at all (HEAD, 204, 304, Content-Length 0).
 * `Accept-Encoding` is required: no header or only `*` means no compression (Skipper ignores `*`).
 */
import zlib from 'node:zlib';
import type { Transform } from 'node:stream';
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { headerString, through } from '../streams.ts';

/** Skipper's default MIME types. */
export const DEFAULT_COMPRESS_MIME: readonly string[] = [
  'text/plain',
  'text/html',
  'application/json',
  'application/javascript',
  'application/x-javascript',
  'text/javascript',
  'text/css',
  'image/svg+xml',
  'application/octet-stream',
];

/** Server preference when the client's q-values tie (Skipper's default order). */
const ENCODINGS = ['gzip', 'deflate', 'br'] as const;
type Encoding = (typeof ENCODINGS)[number];

/** Skipper's levels: -2 (Huffman only), -1 (default), 0 (none) … 9 (best, gzip/deflate) … 11 (best, br). */
const MIN_LEVEL = -2;
const MAX_LEVEL = 11;
const BEST_SPEED = 1;

/**
 * The encoding to use for an Accept-Encoding value, or null. Highest q wins, ties go to server order;
 * q=0 means "not acceptable" (RFC 9110 §12.5.3) and malformed q-values count as 1, as in Skipper.
 */
export function chooseEncoding(acceptEncoding: string): Encoding | null {
  let best: Encoding | null = null;
  let bestQ = 0;
  let bestRank = Infinity;
  for (const item of acceptEncoding.split(',')) {
    const [rawName = '', ...params] = item.split(';');
    const rank = ENCODINGS.indexOf(rawName.trim().toLowerCase() as Encoding);
    if (rank < 0) continue;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m === null) continue;
      const v = Number(m[1]);
      if (v >= 0 && v <= 1) q = v;
      break;
    }
    if (q === 0) continue;
    if (q > bestQ || (q === bestQ && rank < bestRank)) {
      best = ENCODINGS[rank]!;
      bestQ = q;
      bestRank = rank;
    }
  }
  return best;
}

function encoder(enc: Encoding, level: number): Transform {
  const zlevel = Math.min(level, 9);
  // Huffman-only is a strategy in zlib, not a level.
  const opts: zlib.ZlibOptions =
    level === -2
      ? { level: 1, strategy: zlib.constants.Z_HUFFMAN_ONLY, flush: zlib.constants.Z_SYNC_FLUSH }
      : { level: zlevel, flush: zlib.constants.Z_SYNC_FLUSH };
  switch (enc) {
    case 'gzip':
      return zlib.createGzip(opts);
    // Skipper (Go's compress/flate) sends raw DEFLATE for "deflate"; browsers and curl accept both forms.
    case 'deflate':
      return zlib.createDeflateRaw(opts);
    case 'br':
      return zlib.createBrotliCompress({
        flush: zlib.constants.BROTLI_OPERATION_FLUSH,
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: Math.max(level, 0) },
      });
  }
}

function hasNoBody(ctx: FilterContext, status: number, contentLength: string): boolean {
  return ctx.request.method === 'HEAD' || status === 204 || status === 304 || contentLength === '0';
}

function varyHasAcceptEncoding(vary: string): boolean {
  return vary.split(',').some((v) => v.trim().toLowerCase() === 'accept-encoding');
}

function levelAndMime(args: Arg[]): { level: number; mime: ReadonlySet<string> } {
  let level = BEST_SPEED;
  let rest = args;
  const first = args[0];
  if (typeof first === 'number') {
    if (!Number.isInteger(first) || first < MIN_LEVEL || first > MAX_LEVEL) {
      throw new InvalidArgsError(`compress: level must be an integer from ${MIN_LEVEL} to ${MAX_LEVEL}, got ${first}`);
    }
    level = first;
    rest = args.slice(1);
  }
  if (rest.length === 0) return { level, mime: new Set(DEFAULT_COMPRESS_MIME) };
  const mime = new Set<string>();
  if (rest[0] === '...') {
    for (const m of DEFAULT_COMPRESS_MIME) mime.add(m);
    rest = rest.slice(1);
  }
  for (const m of rest) {
    if (typeof m !== 'string') throw new InvalidArgsError(`compress: MIME types must be strings, got ${JSON.stringify(m)}`);
    mime.add(m.trim().toLowerCase());
  }
  return { level, mime };
}

export const compress: FilterSpec = {
  name: 'compress',
  create(args: Arg[]): FilterInstance {
    const { level, mime } = levelAndMime(args);
    return {
      name: 'compress',
      response(ctx: FilterContext): void {
        const rsp = ctx.response;
        if (rsp === null || rsp.body === null) return;
        const h = rsp.headers;
        const ce = headerString(h, 'content-encoding');
        if (ce !== '' && ce.toLowerCase() !== 'identity') return;
        if (headerString(h, 'cache-control').toLowerCase().includes('no-transform')) return;
        const ct = headerString(h, 'content-type');
        const semi = ct.indexOf(';');
        if (!mime.has((semi < 0 ? ct : ct.slice(0, semi)).trim().toLowerCase())) return;
        if (hasNoBody(ctx, rsp.status, headerString(h, 'content-length'))) return;
        const enc = chooseEncoding(headerString(ctx.request.headers, 'accept-encoding'));
        if (enc === null) return;
        delete h['content-length'];
        h['content-encoding'] = enc;
        const vary = h['vary'];
        if (vary === undefined) h['vary'] = 'Accept-Encoding';
        else if (!varyHasAcceptEncoding(headerString(h, 'vary'))) h['vary'] = [...(typeof vary === 'string' ? [vary] : vary), 'Accept-Encoding'];
        rsp.body = through(rsp.body, encoder(enc, level));
      },
    };
  },
};
