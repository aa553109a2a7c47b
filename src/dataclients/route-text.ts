/**
 * What the text of a route source means (routes file, -inline-routes, -routes-urls); the rule is documented
 * in docs/reference/route-sources.md:
 * - each route parses on its own: a broken one is reported with file:line:col and the others are served;
 *   a broken route whose id had a good definition before keeps that definition until it is fixed;
 * - zero bytes after the source had routes is taken for a failed or unfinished write (Skipper would wipe
 *   the table): the last good routes stay and the load is reported as failed; a document with no routes
 *   but some text (a comment, whitespace) is a deliberate empty list, applied with a warning;
 * - a source larger than -max-route-source-bytes is refused before it is read.
 */
import { SkipjackError } from '../errors.ts';
import { parseDocument, parseDocumentSliced } from '../eskip/index.ts';
import type { DocumentParse, RouteDef } from '../eskip/index.ts';
import type { RouteSourceUpdate } from './types.ts';

/** Throws SKJ_ERR_SOURCE_TOO_LARGE when `bytes` exceeds `max` (0 or less: no bound). */
export function checkSourceSize(what: string, bytes: number, max: number): void {
  if (max > 0 && bytes > max) {
    throw new SkipjackError('SKJ_ERR_SOURCE_TOO_LARGE', `${what}: ${bytes} bytes exceed -max-route-source-bytes=${max}; not loaded`);
  }
}

/**
 * Turns a source's text into its update. `previous` is the source's last delivered list, null before the
 * first. Throws SKJ_ERR_SOURCE_LOAD for a zero-byte document that would wipe routes.
 */
export function routesFromText(what: string, text: string, previous: readonly RouteDef[] | null): RouteSourceUpdate {
  checkNotEmpty(what, text.length, previous);
  return routesFromParse(what, parseDocument(text, { file: what }), text.length, previous);
}

/**
 * routesFromText parsed in slices (eskip parseDocumentSliced): the event loop gets control back every few
 * milliseconds, so a large text does not stop the process serving while it is read. Same result.
 */
export async function routesFromTextSliced(what: string, text: string, previous: readonly RouteDef[] | null): Promise<RouteSourceUpdate> {
  checkNotEmpty(what, text.length, previous);
  return routesFromParse(what, await parseDocumentSliced(text, { file: what }), text.length, previous);
}

/** Throws SKJ_ERR_SOURCE_LOAD for a zero-length document that would wipe the routes `previous` holds. */
export function checkNotEmpty(what: string, chars: number, previous: readonly RouteDef[] | null): void {
  if (chars === 0 && previous !== null && previous.length > 0) {
    throw new SkipjackError('SKJ_ERR_SOURCE_LOAD', `${what}: empty (0 bytes), taken for an unfinished write; keeping the last good ${previous.length} routes (a document with only a comment removes them)`);
  }
}

/**
 * routesFromText for a document already parsed (a streamed one, eskip/document-stream.ts) of `chars`
 * characters; the caller ran checkNotEmpty first.
 */
export function routesFromParse(what: string, parsed: DocumentParse, chars: number, previous: readonly RouteDef[] | null): RouteSourceUpdate {
  const { errors } = parsed;
  // Copied only to add a last good definition: a chunked document hands out its own list (eskip-chunks.ts).
  let routes = parsed.routes;
  const out: NonNullable<RouteSourceUpdate['errors']> = [];
  // Only the ids of broken routes are looked up: indexing a million routes per update cost more than parsing the change.
  const broken = new Set<string>();
  for (const e of errors) if (e.routeId !== undefined) broken.add(e.routeId);
  const before = new Map<string, RouteDef>();
  const kept = new Set<string>();
  if (broken.size > 0) {
    if (previous !== null) for (const r of previous) if (broken.has(r.id)) before.set(r.id, r);
    for (const r of routes) if (broken.has(r.id)) kept.add(r.id);
  }
  for (const e of errors) {
    const last = e.routeId === undefined || kept.has(e.routeId) ? undefined : before.get(e.routeId);
    if (last !== undefined) {
      if (routes === parsed.routes) routes = routes.slice();
      routes.push(last);
      kept.add(last.id);
      out.push({ id: e.routeId, message: `${e.message}; keeping its last good definition` });
    } else out.push({ id: e.routeId, message: `${e.message}; route not loaded` });
  }
  if (routes.length === 0 && errors.length === 0 && previous !== null && previous.length > 0) {
    out.push({ message: `${what}: defines no routes now; ${previous.length} routes removed` });
  }
  if (chars === 0 && previous === null) out.push({ message: `${what}: empty (0 bytes); starting with no routes from it` });
  return out.length > 0 ? { routes, errors: out } : { routes };
}
