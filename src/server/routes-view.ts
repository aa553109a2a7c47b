/**
 * What /routes serves: the current table's valid routes as eskip (the format -routes-urls consumes), the
 * invalid ones as trailing comments with their reasons, or both as JSON with `?format=json`. Rendered once
 * per table generation; the ETag is a hash of the content, so identical tables built by different processes
 * (workers, restarts) share it.
 */
import { createHash } from 'node:crypto';
import { print } from '../eskip/index.ts';
import type { RouteDef } from '../eskip/index.ts';
import type { InvalidRoute } from '../routing/types.ts';

export interface RoutesSnapshot {
  generation: number;
  routes: readonly RouteDef[];
  invalid: readonly InvalidRoute[];
}

export interface RenderedRoutes {
  body: string;
  etag: string;
  contentType: string;
  /** Valid routes in the body (Skipper's X-Count header). */
  count: number;
}

function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

function commentLine(text: string): string {
  return text.replaceAll(/[\r\n]+/g, ' ');
}

export function renderEskip(s: RoutesSnapshot): RenderedRoutes {
  let body = s.routes.length > 0 ? print(s.routes) : '';
  if (body !== '' && !body.endsWith('\n')) body += '\n';
  for (const inv of s.invalid) body += `// invalid route ${JSON.stringify(inv.id)} (${inv.reason}): ${commentLine(inv.message)}\n`;
  return { body, etag: etagOf(body), contentType: 'text/plain; charset=utf-8', count: s.routes.length };
}

export function renderJson(s: RoutesSnapshot): RenderedRoutes {
  const body = `${JSON.stringify({
    generation: s.generation,
    routes: s.routes.map(({ pos: _pos, ...def }) => def),
    invalid: s.invalid.map(({ id, reason, message }) => ({ id, reason, message })),
  })}\n`;
  // The generation is per process; leave it out of the ETag so equal tables compare equal.
  return { body, etag: etagOf(body.replace(/^\{"generation":\d+,/, '{')), contentType: 'application/json', count: s.routes.length };
}

/** Caches the renderings of the latest snapshot. */
export class RoutesView {
  #snapshot: RoutesSnapshot = { generation: 0, routes: [], invalid: [] };
  #eskip: RenderedRoutes | null = null;
  #json: RenderedRoutes | null = null;

  update(s: RoutesSnapshot): void {
    this.#snapshot = s;
    this.#eskip = null;
    this.#json = null;
  }

  get snapshot(): RoutesSnapshot {
    return this.#snapshot;
  }

  eskip(): RenderedRoutes {
    return (this.#eskip ??= renderEskip(this.#snapshot));
  }

  json(): RenderedRoutes {
    return (this.#json ??= renderJson(this.#snapshot));
  }
}
