/**
 * The path and query of a request target without WHATWG URL parsing, for the support and route-server
 * listeners. `new URL()` throws on absolute-form targets it cannot parse (`http://a:99999/`), rewrites `\`
 * to `/` and resolves dot segments; none of that may happen to a request line a client chose.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/** Path and raw query of an origin-form or absolute-form (RFC 9112 §3.2.2) target; `/` when it has no path. */
export function targetPath(target: string): { path: string; query: string } {
  let t = target;
  if (t.charCodeAt(0) !== 47 /* / */) {
    const scheme = t.indexOf('://');
    if (scheme === -1) return { path: '/', query: '' }; // asterisk-form or garbage
    const slash = t.indexOf('/', scheme + 3);
    const q0 = t.indexOf('?', scheme + 3);
    if (slash === -1 || (q0 !== -1 && q0 < slash)) t = q0 === -1 ? '/' : '/' + t.slice(q0);
    else t = t.slice(slash);
  }
  const hash = t.indexOf('#');
  if (hash !== -1) t = t.slice(0, hash);
  const q = t.indexOf('?');
  return q === -1 ? { path: t, query: '' } : { path: t.slice(0, q), query: t.slice(q + 1) };
}

/**
 * A request listener that cannot take the process down: a synchronous throw is answered 500 (or, when the
 * headers already went out, the connection is cut) and reported, never left to become uncaught.
 */
export function guarded(handler: RequestListener, onError: (err: Error, req: IncomingMessage) => void): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    try {
      handler(req, res);
    } catch (err) {
      onError(err as Error, req);
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'content-type': 'text/plain' }).end('internal server error\n');
    }
  };
}
