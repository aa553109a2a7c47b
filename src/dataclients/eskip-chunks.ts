/**
 * An eskip document kept as chunks of whole routes, so that a new version of it is re-parsed only where
 * it changed. The document is cut at the end of a line that follows a top-level `;` with nothing but
 * blanks and comments in between (by the lexer's rules for strings, regexps and comments; the bytes that
 * matter are ASCII, which UTF-8 never uses inside a multi-byte character, so the cutting runs on bytes).
 * Routes end at `;` and parse recovery resumes at the next `;`, so parsing the chunks one by one gives
 * exactly what parsing the whole text gives (eskip/document-stream.ts relies on the same fact), and each
 * chunk starts at column 1 of a known line.
 *
 * A new version is compared with the previous one by common prefix and suffix (memcmp); only the chunks
 * the changed bytes touch are cut and parsed again, up to the first cut point of the new text that is a
 * chunk end of the old text inside the unchanged suffix (the lexer state is the same there, so everything
 * after parses as before). Definitions of the other chunks keep their objects, which the incremental compile
 * and the worker deltas recognise by identity; when the change added or removed lines, the positions of the
 * routes after it are moved in place (a position is not part of what a route means).
 */
import { ParseTables, parseDocument, type DocumentParse, type EskipParseError, type RouteDef } from '../eskip/index.ts';
import { expectLists, replacedSteps, runSliced, runSync, splicesOf, type SliceOptions, type Steps } from '../lifecycle/index.ts';
import { sameRouteDef } from '../routing/route-equality.ts';
import type { Difference } from './file-buffers.ts';
import type { RouteListChange } from './types.ts';

/** Bytes per chunk, roughly: one re-parse after a one-route change costs about this much text. */
const CHUNK_BYTES = 16 * 1024;
/** Errors listed per document, as parseDocument does. */
const MAX_ERRORS = 1000;

interface Chunk {
  start: number;
  end: number;
  firstLine: number;
  /** Newlines inside. */
  lines: number;
  routes: RouteDef[];
  errors: EskipParseError[];
}

/**
 * Scans `buf` from `from` (a cut point: top level, after a `;`) and calls `cut(at, lines)` at every cut point
 * past it (the offset after the newline, and the newlines seen from `from`); scanning stops when `cut` returns
 * true. Returns the newlines up to where it stopped (the end of the buffer when `cut` never stopped it).
 * Each kind of token (string, regexp, comment) is skipped by a loop of its own: one switch over a mode per byte
 * was ≈ 15 % of a million-route file's load.
 */
export function scanCuts(buf: Buffer, from: number, cut: (at: number, lines: number) => boolean): number {
  // Whether only blanks and comments followed the last top-level `;` on this line.
  let clean = true;
  let lines = 0;
  const n = buf.length;
  let i = from;
  while (i < n) {
    const c = buf[i++]!;
    if (c === 10) {
      lines++;
      if (clean && cut(i, lines)) return lines;
    } else if (c === 59) {
      clean = true;
    } else if (c === 34 || c === 96) {
      // A string, to its closing quote; a backslash escapes the next byte.
      clean = false;
      for (;;) {
        if (i >= n) return lines;
        const d = buf[i++]!;
        if (d === c) break;
        if (d === 10) lines++;
        else if (d === 92) {
          if (i < n && buf[i] === 10) lines++;
          i++;
        }
      }
    } else if (c === 47) {
      if (i < n && buf[i] === 47) {
        // A comment, up to (not including) its newline, which the top level takes as any other.
        i++;
        while (i < n && buf[i] !== 10) i++;
        continue;
      }
      // A regexp, to the `/` that ends it outside a character class; a backslash escapes the next byte.
      clean = false;
      let inClass = false;
      for (;;) {
        if (i >= n) return lines;
        const d = buf[i++]!;
        if (d === 10) lines++;
        else if (d === 92) {
          if (i < n && buf[i] === 10) lines++;
          i++;
        } else if (inClass) {
          if (d === 93) inClass = false;
        } else if (d === 91) inClass = true;
        else if (d === 47) break;
      }
    } else if (c !== 32 && c !== 9 && c !== 13) {
      clean = false;
    }
  }
  return lines;
}

/** Whether two views start at the same byte of the same memory. */
function sameMemory(a: Buffer, b: Buffer): boolean {
  return a.buffer === b.buffer && a.byteOffset === b.byteOffset;
}

/** Bytes compared per step: memcmp of 1 MB takes well under a millisecond, so a sliced parse can yield between. */
const COMPARE_BLOCK = 1024 * 1024;

/** The length of the common prefix of a and b: memcmp over blocks, then byte by byte in the first differing one. */
function* commonPrefix(a: Buffer, b: Buffer): Steps<number> {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n) {
    const e = Math.min(i + COMPARE_BLOCK, n);
    if (a.compare(b, i, e, i, e) !== 0) break;
    i = e;
    yield;
  }
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/** The length of the common suffix of a and b, at most `max`. */
function* commonSuffix(a: Buffer, b: Buffer, max: number): Steps<number> {
  let s = 0;
  while (s < max) {
    const len = Math.min(COMPARE_BLOCK, max - s);
    if (a.compare(b, b.length - s - len, b.length - s, a.length - s - len, a.length - s) !== 0) break;
    s += len;
    yield;
  }
  while (s < max && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return s;
}

/**
 * Puts back the previous object of each re-parsed route that did not change (the chunk around a changed
 * route is parsed whole), moved to its new position when lines were added or removed before it.
 */
function keepUnchanged(replaced: readonly Chunk[], fresh: readonly Chunk[]): void {
  const before = new Map<string, RouteDef>();
  for (const c of replaced) for (const r of c.routes) if (!before.has(r.id)) before.set(r.id, r);
  for (const c of fresh) {
    const routes = c.routes;
    for (let i = 0; i < routes.length; i++) {
      const r = routes[i]!;
      const o = before.get(r.id);
      if (o === undefined || !sameRouteDef(o, o.pos === undefined || r.pos === undefined ? r : { ...r, pos: o.pos })) continue;
      before.delete(r.id);
      if (o.pos !== undefined && r.pos !== undefined) o.pos.line = r.pos.line;
      routes[i] = o;
    }
  }
}

/** What one parse did: the document, and how many bytes were parsed again (for tests and the benchmark). */
export interface ChunkedParse extends DocumentParse {
  reparsedBytes: number;
  /** The bytes are the previous version's: the routes are the same objects. */
  unchanged: boolean;
  /**
   * How `routes` differs from the previous parse's list, when this parse re-parsed part of the document
   * (undefined after a first or full parse): the route sources' change (dataclients/types.ts), so the
   * primary of `-workers N` sends it without comparing or copying a million definitions.
   */
  change?: RouteListChange;
}

/** One eskip document across its versions (a routes file as it is rewritten). */
export class ChunkedDocument {
  readonly #file: string;
  #buf: Buffer | null = null;
  #chunks: Chunk[] = [];
  /**
   * The last result's routes, in chunk order. Handed out, so never changed afterwards: the next version's
   * list is a copy (one bulk copy per change, where splicing this list and copying it for the caller took two).
   */
  #routes: RouteDef[] = [];
  /**
   * Shared by the chunks, so equal strings and calls are one object across the document (and a re-parsed
   * chunk finds the calls of the routes it did not change). Renewed by a full parse, and when re-parses have
   * added more than the document itself holds, so that the strings of edits long gone are let go.
   */
  #tables = new ParseTables();
  #tablesBase = 0;
  /** The change the last incremental parse made to the list (see ChunkedParse.change). */
  #change: RouteListChange | undefined = undefined;

  constructor(file: string) {
    this.#file = file;
  }

  /**
   * Parses `buf`, the document's new version, re-using what the previous version's parse still holds.
   * `known`: where `buf` differs from the previous version (file-buffers.ts found it while reading); used
   * when it was measured against the buffer this document last parsed, else the versions are compared here.
   */
  parse(buf: Buffer, known: Difference | null = null): ChunkedParse {
    return runSync(this.#steps(buf, known));
  }

  /**
   * parse() in slices: returns to the event loop every `sliceMs` (default 10 ms), between chunks, so a large
   * routes file does not stop the process serving while it is read. Same result as parse().
   */
  parseSliced(buf: Buffer, o: SliceOptions = {}, known: Difference | null = null): Promise<ChunkedParse> {
    return runSliced(this.#steps(buf, known), o);
  }

  *#steps(buf: Buffer, known: Difference | null): Steps<ChunkedParse> {
    const old = this.#buf;
    let reparsed: number;
    this.#change = undefined;
    const difference = known !== null && known.against === old ? known : null;
    try {
      if (old !== null && old.length === 0 && buf.length === 0) reparsed = -1;
      // The previous bytes patched into the new ones in place (file-buffers.ts) cannot be compared with them:
      // without the difference found while reading, the whole text is parsed again.
      else if (old === null || this.#chunks.length === 0 || (difference === null && sameMemory(old, buf))) reparsed = yield* this.#full(buf);
      else {
        if (this.#tables.strings.size > 2 * this.#tablesBase + 65_536) this.#tables = new ParseTables(buf.length);
        reparsed = yield* this.#incremental(old, buf, difference);
      }
    } catch (e) {
      // Half-way through, the chunks describe neither version: the next parse starts afresh.
      this.#buf = null;
      this.#chunks = [];
      throw e;
    }
    this.#buf = buf;
    const errors: EskipParseError[] = [];
    for (const c of this.#chunks) for (const e of c.errors) if (errors.length < MAX_ERRORS) errors.push(e);
    return { routes: this.#routes, errors, reparsedBytes: Math.max(reparsed, 0), unchanged: reparsed < 0, ...(this.#change === undefined ? {} : { change: this.#change }) };
  }

  *#full(buf: Buffer): Steps<number> {
    this.#tables = new ParseTables(buf.length);
    const chunks: Chunk[] = [];
    const routes: RouteDef[] = [];
    // A chunk at a time, cut as #cut cuts, with a yield between: a scan for every cut point first would
    // walk the whole file (260 MB at a million routes) in one step. A cut point is top level, so scanning
    // can start there afresh.
    let start = 0;
    let firstLine = 1;
    while (start < buf.length) {
      let end = buf.length;
      const lines = scanCuts(buf, start, (at) => {
        if (at < buf.length && at - start >= CHUNK_BYTES) {
          end = at;
          return true;
        }
        return false;
      });
      const c = this.#parseChunk(buf, start, end, firstLine, lines);
      chunks.push(c);
      // Built by push: a packed array, which splice and slice move in bulk (a holey one takes their slow path).
      for (let i = 0; i < c.routes.length; i++) routes.push(c.routes[i]!);
      firstLine += lines;
      start = end;
      yield;
    }
    this.#chunks = chunks;
    this.#tablesBase = this.#tables.strings.size;
    this.#routes = routes;
    // Each change copies this list and the table's (list-steps.ts): their spares are made before the first.
    expectLists(routes.length);
    return buf.length;
  }

  /** Parses buf[from, to) as chunks, cutting at the first cut point past every CHUNK_BYTES; `to` is a cut point or the end. */
  #cut(buf: Buffer, from: number, firstLine: number, to: number): Chunk[] {
    const out: Chunk[] = [];
    let start = from;
    let startLines = 0;
    const close = (end: number, lines: number): void => {
      out.push(this.#parseChunk(buf, start, end, firstLine + startLines, lines - startLines));
      start = end;
      startLines = lines;
    };
    const lines = scanCuts(buf, from, (at, seen) => {
      if (at >= to) return true;
      if (at - start >= CHUNK_BYTES) close(at, seen);
      return false;
    });
    if (to > start) close(to, lines);
    return out;
  }

  #parseChunk(buf: Buffer, start: number, end: number, firstLine: number, lines: number): Chunk {
    // A chunk after the first starts with a route id, or with garbage a whole-document parse would charge to
    // a route: parsed as a list of routes, never as one route without id.
    const text = buf.toString('utf8', start, end);
    const { routes, errors } = parseDocument(text, { file: this.#file, firstLine, tables: this.#tables, routesOnly: start !== 0 });
    return { start, end, firstLine, lines, routes, errors };
  }

  /** Re-parses where `buf` differs from `old`; returns the bytes parsed again, -1 when nothing differs. */
  *#incremental(old: Buffer, buf: Buffer, known: Difference | null): Steps<number> {
    const chunks = this.#chunks;
    const p = known !== null ? known.prefix : yield* commonPrefix(old, buf);
    if (p === old.length && p === buf.length) return -1;
    const s = known !== null ? known.suffix : yield* commonSuffix(old, buf, Math.min(old.length, buf.length) - p);
    const shift = buf.length - old.length;
    const changedEnd = old.length - s;
    // The chunk holding the first changed byte (the last one for an append).
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (chunks[mid]!.start <= p) lo = mid;
      else hi = mid - 1;
    }
    const first = lo;
    const from = chunks[first]!.start;
    // The first cut point of the new text that is an old chunk end inside the unchanged suffix.
    let k = first;
    let to = buf.length;
    let last = chunks.length - 1;
    scanCuts(buf, from, (at) => {
      const oldAt = at - shift;
      if (oldAt < changedEnd) return false;
      while (k < chunks.length && chunks[k]!.end < oldAt) k++;
      if (k < chunks.length && chunks[k]!.end === oldAt) {
        to = at;
        last = k;
        return true;
      }
      return false;
    });
    let oldLines = 0;
    for (let i = first; i <= last; i++) oldLines += chunks[i]!.lines;
    const fresh = this.#cut(buf, from, chunks[first]!.firstLine, to);
    keepUnchanged(chunks.slice(first, last + 1), fresh);
    let newLines = 0;
    for (const c of fresh) newLines += c.lines;
    const lineShift = newLines - oldLines;
    const after = chunks.slice(last + 1);
    let reparsed = to - from;
    let routeStart = 0;
    for (let i = 0; i < first; i++) routeStart += chunks[i]!.routes.length;
    let routeEnd = routeStart;
    for (let i = first; i <= last; i++) routeEnd += chunks[i]!.routes.length;
    const middle: RouteDef[] = [];
    for (const c of fresh) for (const r of c.routes) middle.push(r);
    for (let i = 0; i < after.length; i++) {
      // A million routes below a line added: their positions move in slices.
      if (i % 64 === 63) yield;
      const c = after[i]!;
      c.start += shift;
      c.end += shift;
      if (lineShift === 0) continue;
      c.firstLine += lineShift;
      if (c.errors.length > 0) {
        // An error's position is in its message: parse the chunk again rather than rewrite it.
        after[i] = this.#parseChunk(buf, c.start, c.end, c.firstLine, c.lines);
        reparsed += c.end - c.start;
        continue;
      }
      for (const r of c.routes) if (r.pos !== undefined) r.pos.line += lineShift;
    }
    // A chunk parsed again for its errors' positions: its routes may be new objects, so the replaced range
    // reaches the last such chunk (the list is not changed once made: replacedSteps knows its common ends).
    let lastRedone = after.length - 1;
    while (lastRedone >= 0 && after[lastRedone] === chunks[last + 1 + lastRedone]) lastRedone--;
    for (let i = 0; i <= lastRedone; i++) {
      routeEnd += chunks[last + 1 + i]!.routes.length;
      for (const r of after[i]!.routes) middle.push(r);
    }
    // The previous list copied a block at a time, the re-parsed routes in place of the replaced ones.
    const before = this.#routes;
    this.#routes = yield* replacedSteps(before, routeStart, routeEnd, middle);
    this.#change = spliceOf(before, routeStart, routeEnd, middle);
    this.#chunks = chunks.slice(0, first).concat(fresh, after);
    return reparsed;
  }
}

/**
 * `from` with [start, end) replaced by `middle`, as a change: splices by identity within that range, as the
 * primary's comparison of whole lists finds them (server/route-delta.ts), since a re-parsed chunk puts back the
 * objects of its unchanged routes. The range is a few chunks, so this costs what re-parsing them did.
 */
function spliceOf(from: readonly RouteDef[], start: number, end: number, middle: readonly RouteDef[]): RouteListChange {
  return { from, ...splicesOf(from, start, end, middle, 0, middle.length) };
}
