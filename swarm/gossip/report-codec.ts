/**
 * The counts report one instance gossips: per (group, key) its own counts of the current and previous window,
 * and its reservation: how many more hits it may admit until its next report.
 * Values are absolute, not deltas, so a lost or duplicated report costs nothing but freshness, and the latest
 * report of a peer replaces its earlier ones. Encoded as JSON and split so no message exceeds the size limit.
 */
import type { SlidingCounts } from './sliding-counts.ts';

export interface ReportEntry {
  group: string;
  key: string;
  windowMs: number;
  counts: SlidingCounts;
  reserved: number;
}

export interface Report {
  /** The last part of a full snapshot (every key the sender counts), not only what changed. */
  full: boolean;
  entries: ReportEntry[];
}

type Wire = { f: 0 | 1; e: [string, string, number, number, number, number, number, number, number][] };

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Encodes a report in parts of at most `maxBytes` each; only the last part of a full snapshot says full. */
export function encodeReport(r: Report, maxBytes: number): Uint8Array[] {
  const rows = r.entries.map((e): Wire['e'][number] => {
    const c = e.counts;
    return [e.group, e.key, e.windowMs, c.win, c.cur, c.prev, c.dCur, c.dPrev, e.reserved];
  });
  return encodeParts(r.full, rows, maxBytes);
}

/**
 * Encodes rows as `{ f, e: rows }` JSON parts of at most `maxBytes` each; only the last part of a full snapshot
 * says full (`f: 1`). The wire frame of every gossip report (counts and leaky-bucket levels).
 */
export function encodeParts<Row>(full: boolean, rows: readonly Row[], maxBytes: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let cur: Row[] = [];
  let size = 16;
  const flush = (last: boolean) => {
    parts.push(enc.encode(JSON.stringify({ f: last && full ? 1 : 0, e: cur })));
    cur = [];
    size = 16;
  };
  for (const row of rows) {
    const n = JSON.stringify(row).length * 3 + 1; // worst-case UTF-8 expansion keeps the bound a bound
    if (cur.length > 0 && size + n > maxBytes) flush(false);
    cur.push(row);
    size += n;
  }
  flush(true);
  return parts;
}

/** Decodes a report part; throws on a malformed one (the caller drops it). */
export function decodeReport(bytes: Uint8Array): Report {
  const w = JSON.parse(dec.decode(bytes)) as Wire;
  if (!w || !Array.isArray(w.e)) throw new Error('malformed counts report');
  const entries: ReportEntry[] = [];
  for (const x of w.e) {
    if (!Array.isArray(x) || x.length !== 9 || typeof x[0] !== 'string' || typeof x[1] !== 'string') throw new Error('malformed counts report entry');
    const [group, key, windowMs, win, cur, prev, dCur, dPrev, reserved] = x;
    if (![windowMs, win, cur, prev, dCur, dPrev, reserved].every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0) || windowMs <= 0) {
      throw new Error('malformed counts report entry');
    }
    entries.push({ group, key, windowMs, counts: { win, cur, prev, dCur, dPrev }, reserved });
  }
  return { full: w.f === 1, entries };
}
