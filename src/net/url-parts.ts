/**
 * Go `net/url` behaviour the filters depend on: the decoded path filters see (URL.Path) versus the
 * escaped path sent upstream (URL.EscapedPath), and query parsing/encoding (URL.Query, Values.Encode),
 * which Skipper's query filters round-trip through, sorting keys on the way out.
 */

import { unescapePath } from './path.ts';

const HEX = '0123456789ABCDEF';

export { unescapePath };

function isUnreserved(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
    c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e;
}

// RFC 3986 §3.3: reserved characters a path may carry unescaped (Go's shouldEscape, encodePath mode).
const PATH_SAFE = new Set([...'$&+,/:;=@'].map((c) => c.charCodeAt(0)));

function escapeBytes(s: string, safe: (c: number) => boolean, spaceAsPlus: boolean): string {
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  for (const b of bytes) {
    if (safe(b)) out += String.fromCharCode(b);
    else if (spaceAsPlus && b === 0x20) out += '+';
    else out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

// Fast paths: most paths and query parts need no escaping at all.
const PLAIN_PATH = /^[A-Za-z0-9\-_.~$&+,/:;=@]*$/;
const PLAIN_QUERY = /^[A-Za-z0-9\-_.~]*$/;

/** Escapes a decoded path for the wire (Go's escape(path, encodePath)). */
export function escapePath(path: string): string {
  if (PLAIN_PATH.test(path)) return path;
  return escapeBytes(path, (c) => isUnreserved(c) || PATH_SAFE.has(c), false);
}

/** Go's url.QueryEscape: everything but unreserved bytes escaped, space as "+". */
export function queryEscape(s: string): string {
  if (PLAIN_QUERY.test(s)) return s;
  return escapeBytes(s, isUnreserved, true);
}

function queryUnescape(s: string): string | null {
  if (!s.includes('%') && !s.includes('+')) return s;
  try {
    return decodeURIComponent(s.replaceAll('+', ' '));
  } catch {
    return null;
  }
}

/** The decoded path a filter sees: Go's URL.Path for the escaped path on the request. */
export { decodePath as decodedPath } from './path.ts';

/**
 * The escaped path to send after a filter set the decoded path to `path`: the previous escaped form is
 * kept when it still decodes to the same path (Go keeps a valid RawPath), otherwise the path is escaped.
 */
export function reescapePath(previousEscaped: string, path: string): string {
  if (unescapePath(previousEscaped) === path) return previousEscaped;
  return escapePath(path);
}

/** Parsed query values in first-seen key order (Go's url.Values). */
export type QueryValues = Map<string, string[]>;

/**
 * Go's url.ParseQuery: pairs split on "&", pairs containing ";" or a malformed escape are dropped,
 * "+" means space.
 */
export function parseQuery(raw: string): QueryValues {
  const out: QueryValues = new Map();
  if (raw === '') return out;
  for (const pair of raw.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const k = queryUnescape(eq === -1 ? pair : pair.slice(0, eq));
    const v = queryUnescape(eq === -1 ? '' : pair.slice(eq + 1));
    if (k === null || v === null) continue;
    const list = out.get(k);
    if (list === undefined) out.set(k, [v]);
    else list.push(v);
  }
  return out;
}

/** The first value of a query parameter, "" when absent (Go's Values.Get). */
export function queryGet(raw: string, key: string): string {
  if (raw === '') return '';
  return parseQuery(raw).get(key)?.[0] ?? '';
}

/** Go's Values.Encode: keys sorted by byte order, each value escaped with QueryEscape. */
export function encodeQuery(q: QueryValues): string {
  const keys = [...q.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const parts: string[] = [];
  for (const k of keys) {
    const ek = queryEscape(k);
    for (const v of q.get(k)!) parts.push(`${ek}=${queryEscape(v)}`);
  }
  return parts.join('&');
}
