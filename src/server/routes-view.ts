/**
 * What /routes serves: the current table's valid routes as eskip (the format -routes-urls consumes), the
 * invalid ones as trailing comments with their reasons, or both as JSON with `?format=json`. Nothing is kept
 * rendered: each response is printed piece by piece as it is written (routes-stream.ts). Each format's ETag
 * is computed once per table generation, on the first request that needs it, and kept with the generation:
 * hashing costs a full print (about 1.2 s per 100k routes on the loaded bench machine), which publishing a
 * table must not pay on the event loop when nobody lists routes. Tags hash content, so identical tables
 * built by different processes (workers, restarts) share them.
 */
import type { RouteDef } from '../eskip/index.ts';
import type { InvalidRoute } from '../routing/types.ts';
import { eskipPieces, etagOfPieces, pageEtag, type RoutesPage } from './routes-stream.ts';

export interface RoutesSnapshot {
  generation: number;
  routes: readonly RouteDef[];
  invalid: readonly InvalidRoute[];
}

export type RoutesFormat = 'eskip' | 'json';

/** One response's worth of listing: headers and a body produced lazily. */
export interface RoutesListing {
  etag: string;
  contentType: string;
  /** All valid routes of the generation (Skipper's X-Count header), whatever the page. */
  count: number;
  pieces(): Iterable<string>;
}

function commentLine(text: string): string {
  return text.replaceAll(/[\r\n]+/g, ' ');
}

/**
 * A document cannot hold a route without id next to others (`: expr;` does not parse), so in a list of
 * several each id-less route is printed under an id no other route has, `unnamed`, `unnamed_2`, …; one
 * route alone prints as a bare expression. Either way the body passes `skipjack-eskip check`.
 */
function withIds(routes: readonly RouteDef[]): readonly RouteDef[] {
  if (routes.length < 2 || !routes.some((r) => r.id === '')) return routes;
  const taken = new Set(routes.map((r) => r.id));
  let n = 1;
  return routes.map((r) => {
    if (r.id !== '') return r;
    let id = 'unnamed';
    while (taken.has(id)) id = `unnamed_${++n}`;
    taken.add(id);
    return { ...r, id };
  });
}

/** Invalid routes are listed after the last valid one, so only a page that reaches the end carries them. */
function* eskipBody(s: RoutesSnapshot, page: RoutesPage): Generator<string> {
  yield* eskipPieces(s.routes, page.from, page.to);
  if (page.to < s.routes.length) return;
  for (const inv of s.invalid) yield `// invalid route ${JSON.stringify(inv.id)} (${inv.reason}): ${commentLine(inv.message)}\n`;
}

function* jsonBody(s: RoutesSnapshot, page: RoutesPage, withGeneration: boolean): Generator<string> {
  yield withGeneration ? `{"generation":${s.generation},"routes":[` : '{"routes":[';
  for (let i = page.from; i < page.to; i++) {
    const { pos: _pos, ...def } = s.routes[i]!;
    yield `${i > page.from ? ',' : ''}${JSON.stringify(def)}`;
  }
  yield '],"invalid":';
  const invalid = page.to < s.routes.length ? [] : s.invalid.map(({ id, reason, message }) => ({ id, reason, message }));
  yield `${JSON.stringify(invalid)}}\n`;
}

/** Holds the latest snapshot and its tags. */
export class RoutesView {
  #snapshot: RoutesSnapshot = { generation: 0, routes: [], invalid: [] };
  #eskipTag: string | null = null;
  #jsonTag: string | null = null;

  /** Whether the snapshot's id-less routes were named (withIds): on the first listing, not per update. */
  #named = true;

  /** Publishes a generation; its tags, and names for id-less routes, are computed when first asked for. */
  update(s: RoutesSnapshot): void {
    this.#snapshot = s;
    this.#named = false;
    this.#eskipTag = null;
    this.#jsonTag = null;
  }

  get snapshot(): RoutesSnapshot {
    if (!this.#named) {
      this.#snapshot = { ...this.#snapshot, routes: withIds(this.#snapshot.routes) };
      this.#named = true;
    }
    return this.#snapshot;
  }

  get count(): number {
    return this.#snapshot.routes.length;
  }

  /** The listing of `page` in `format`; its pieces print the snapshot current when this was called. */
  listing(format: RoutesFormat, page: RoutesPage): RoutesListing {
    const s = this.snapshot;
    const count = s.routes.length;
    if (format === 'eskip') {
      const full = (this.#eskipTag ??= etagOfPieces(eskipBody(s, { from: 0, to: count, paged: false })));
      return { etag: pageEtag(full, page), contentType: 'text/plain; charset=utf-8', count, pieces: () => eskipBody(s, page) };
    }
    // The generation is per process; leave it out of the tag so equal tables compare equal.
    const full = (this.#jsonTag ??= etagOfPieces(jsonBody(s, { from: 0, to: count, paged: false }, false)));
    return { etag: pageEtag(full, page), contentType: 'application/json', count, pieces: () => jsonBody(s, page, true) };
  }
}
