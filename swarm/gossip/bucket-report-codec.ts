/**
 * The leaky-bucket report one instance gossips: per bucket (label, capacity, emission interval) its bucket
 * instance (a random number per creation), its cumulative units added, its units still in the bucket, its
 * reservation, its demand and whether it served the bucket in its last round. Values are absolute, not deltas,
 * so a lost or duplicated report costs nothing but freshness. Encoded as JSON and split so no message exceeds
 * the size limit.
 */

/** [label, capacity, emissionMs, epoch, added, own units still in the bucket, reserved, demand, busy 0|1]. */
export type BucketReportEntry = [string, number, number, number, number, number, number, number, number];
type Wire = { f: 0 | 1; e: BucketReportEntry[] };

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Encodes entries in parts of at most `maxBytes` each; only the last part of a full snapshot says full. */
export function encodeBucketReport(full: boolean, entries: readonly BucketReportEntry[], maxBytes: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let cur: BucketReportEntry[] = [];
  let size = 16;
  const flush = (last: boolean) => {
    parts.push(enc.encode(JSON.stringify({ f: last && full ? 1 : 0, e: cur } satisfies Wire)));
    cur = [];
    size = 16;
  };
  for (const e of entries) {
    const n = JSON.stringify(e).length * 3 + 1; // worst-case UTF-8 expansion keeps the bound a bound
    if (cur.length > 0 && size + n > maxBytes) flush(false);
    cur.push(e);
    size += n;
  }
  flush(true);
  return parts;
}

/** Decodes a report part; throws on a malformed one (the caller drops it whole). */
export function decodeBucketReport(bytes: Uint8Array): { full: boolean; entries: BucketReportEntry[] } {
  const w = JSON.parse(dec.decode(bytes)) as Wire;
  if (!w || !Array.isArray(w.e)) throw new Error('malformed leaky-bucket report');
  for (const x of w.e) {
    if (!Array.isArray(x) || x.length !== 9 || typeof x[0] !== 'string') throw new Error('malformed leaky-bucket report entry');
    const nums = x.slice(1) as number[];
    if (!nums.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0) || !(x[1] > 0) || !(x[2] > 0)) {
      throw new Error('malformed leaky-bucket report entry');
    }
  }
  return { full: w.f === 1, entries: w.e };
}
