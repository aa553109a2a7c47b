/**
 * Read access to the parts of a RoutingRequest that predicates share: header values, cookies and the
 * query. Cookies and query are parsed on first use and kept on the request, so a request parses them at
 * most once however many routes ask.
 */
import type { RoutingRequest } from '../routing/types.ts';

/** The first value of a header (Go's Header.Get), or undefined. `name` must be lower-case. */
export function firstHeader(req: RoutingRequest, name: string): string | undefined {
  const v = req.headers[name];
  if (typeof v === 'string') return v;
  // Array.isArray also guards against inherited properties: Header("constructor", …) must not see a function.
  return Array.isArray(v) ? v[0] : undefined;
}

/** Calls `test` on each value of a header until it returns true. `name` must be lower-case. */
export function someHeaderValue(req: RoutingRequest, name: string, test: (v: string) => boolean): boolean {
  const v = req.headers[name];
  if (typeof v === 'string') return test(v);
  if (!Array.isArray(v)) return false;
  for (const x of v) if (test(x)) return true;
  return false;
}

/** The parsed query of the request. */
export function queryOf(req: RoutingRequest): URLSearchParams {
  let q = req.query;
  if (q === undefined) {
    q = new URLSearchParams(req.rawQuery);
    req.query = q;
  }
  return q;
}

/** The request cookies by name; the first cookie of a name wins, as with Go's Request.Cookie. */
export function cookiesOf(req: RoutingRequest): Map<string, string> {
  let c = req.cookies;
  if (c === undefined) {
    c = parseCookieHeader(req.headers['cookie']);
    req.cookies = c;
  }
  return c;
}

function parseCookieHeader(h: unknown): Map<string, string> {
  const m = new Map<string, string>();
  const lines = typeof h === 'string' ? [h] : Array.isArray(h) ? (h as string[]) : [];
  for (const line of lines) {
    for (const part of line.split(';')) {
      const eq = part.indexOf('=');
      if (eq === -1) continue;
      const name = part.slice(0, eq).trim();
      if (name === '' || m.has(name)) continue;
      let value = part.slice(eq + 1).trim();
      // RFC 6265 section 4.1.1: a cookie value may be wrapped in double quotes, which are not part of it.
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      m.set(name, value);
    }
  }
  return m;
}
