/**
 * The leaky-bucket report one instance gossips: per bucket (label, capacity, emission interval) its bucket
 * instance (a random number per creation), its cumulative units added, its units still in the bucket, its
 * reservation, its demand and whether it served the bucket in its last round. Values are absolute, not deltas,
 * so a lost or duplicated report costs nothing but freshness. Encoded as JSON and split so no message exceeds
 * the size limit.
 */
import { encodeParts } from './report-codec.ts';

/** [label, capacity, emissionMs, epoch, added, own units still in the bucket, reserved, demand, busy 0|1]. */
export type BucketReportEntry = [string, number, number, number, number, number, number, number, number];
type Wire = { f: 0 | 1; e: BucketReportEntry[] };

const dec = new TextDecoder();

/** Encodes entries in parts of at most `maxBytes` each; only the last part of a full snapshot says full. */
export function encodeBucketReport(full: boolean, entries: readonly BucketReportEntry[], maxBytes: number): Uint8Array[] {
  return encodeParts(full, entries, maxBytes);
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
