/**
 * The routes a route server serves: the route list, the strong ETag of its eskip text and its modification
 * time, replaced as a whole on every update so a request always sees one consistent generation. The text
 * itself is never held: it is hashed here, once per update, and printed again piece by piece per response.
 */
import type { RouteDef } from '../eskip/index.ts';
import { eskipPieces, etagOfPieces } from '../server/routes-stream.ts';

export interface RoutesSnapshot {
  readonly routes: readonly RouteDef[];
  readonly etag: string;
  readonly lastModified: Date;
  readonly count: number;
  /** Bytes of the eskip text (routesrv_custom_gauges routes.byte), counted while hashing it. */
  readonly bytes: number;
}

/** Builds the next snapshot; returns `previous` itself when the text did not change (ETag stays valid). */
export function nextSnapshot(routes: readonly RouteDef[], previous: RoutesSnapshot | undefined): RoutesSnapshot {
  let bytes = 0;
  const counted = (function* (): Generator<string> {
    for (const p of eskipPieces(routes)) {
      bytes += Buffer.byteLength(p);
      yield p;
    }
  })();
  const etag = etagOfPieces(counted, 'hex');
  if (previous && previous.etag === etag) return previous;
  return { routes, etag, lastModified: new Date(), count: routes.length, bytes };
}
