/**
 * A watched file read again and again into two reused buffers: the version the parser holds (committed)
 * and a spare that the next read fills. A 260 MB routes file read with readFile per change allocated a new
 * 260 MB buffer each time (page faults and zeroing) and crossed to the thread pool every 512 kB; here it is
 * read in pieces of 8 MB on the thread pool, and no memory is allocated unless the file outgrew the buffers.
 *
 * Each piece is compared with the committed version as it arrives (memcmp, while the thread pool reads the
 * next piece), so the read ends knowing the common prefix and suffix of the two versions (`Difference`):
 * the parser then starts from the changed bytes instead of comparing hundreds of megabytes again.
 */
import { open } from 'node:fs/promises';

/** Bytes per read. */
const PIECE_BYTES = 8 * 1024 * 1024;

/** Work counter for tests: bytes compared piece by piece with the committed version. */
export const bufferCounters = { compared: 0 };

/** Where a read version differs from the committed one it was compared with (`against`). */
export interface Difference {
  /** The committed version, as read() returned it. */
  readonly against: Buffer;
  /** Length of the common prefix. */
  readonly prefix: number;
  /** Length of the common suffix, at most min(lengths) - prefix. */
  readonly suffix: number;
}

/** The first offset in [from, to) where a and b differ (they differ somewhere there). */
function firstDiff(a: Buffer, b: Buffer, from: number, to: number): number {
  let lo = from;
  let hi = to;
  while (hi - lo > 64) {
    const mid = (lo + hi) >>> 1;
    if (a.compare(b, lo, mid, lo, mid) === 0) lo = mid;
    else hi = mid;
  }
  while (lo < hi && a[lo] === b[lo]) lo++;
  return lo;
}

/** The last offset in a's [from, to) where a[i] !== b[i - shift] (they differ somewhere there). */
function lastDiff(a: Buffer, b: Buffer, shift: number, from: number, to: number): number {
  let lo = from;
  let hi = to;
  while (hi - lo > 64) {
    const mid = (lo + hi) >>> 1;
    if (a.compare(b, mid - shift, hi - shift, mid, hi) === 0) hi = mid;
    else lo = mid;
  }
  while (hi > lo && a[hi - 1] === b[hi - 1 - shift]) hi--;
  return hi - 1;
}

export class FileBuffers {
  readonly #file: string;
  readonly #pieceBytes: number;
  #current: Buffer | null = null;
  #spare: Buffer | null = null;
  /** The committed version (a view of #current), and the last read one (a view of #spare). */
  #committed: Buffer | null = null;
  #read: Buffer | null = null;

  constructor(file: string, pieceBytes = PIECE_BYTES) {
    this.#file = file;
    this.#pieceBytes = pieceBytes;
  }

  /**
   * Reads the whole file into the spare buffer and returns a view of its bytes, with its difference from
   * the committed version (null before the first commit, or when the file changed size while being read).
   * The view stays valid until the read after the next commit(); without a commit the next read fills the
   * same spare again.
   */
  async read(): Promise<{ bytes: Buffer; difference: Difference | null }> {
    const fh = await open(this.#file, 'r');
    try {
      const size = (await fh.stat()).size;
      const old = this.#committed;
      let buf = this.#spare;
      // Room for some growth, so a file that grows by a route does not reallocate each time.
      if (buf === null || buf.length < size + 1) buf = this.#spare = Buffer.allocUnsafeSlow(Math.max(64 * 1024, Math.ceil(size * 1.0625) + 1));
      // Aligned by the start (the prefix) and by the end (the suffix: new offset i is old offset i - shift).
      const shift = old === null ? 0 : size - old.length;
      let prefix = 0;
      let prefixOpen = old !== null;
      // The last piece range that differs from the old version aligned by the end; exact: its last byte does
      // (it has no old counterpart, shift > 0).
      let diffFrom = -1;
      let diffTo = -1;
      let exact = false;
      let n = 0;
      let pending = fh.read(buf, 0, Math.min(this.#pieceBytes, buf.length), 0);
      for (;;) {
        const { bytesRead } = await pending;
        if (bytesRead === 0) break;
        const e = n + bytesRead;
        if (e === buf.length) {
          // The file grew while being read: keep what was read, in a larger buffer.
          const larger = Buffer.allocUnsafeSlow(buf.length * 2);
          buf.copy(larger, 0, 0, e);
          buf = this.#spare = larger;
        }
        // The next piece is read on the thread pool while this one is compared here.
        pending = fh.read(buf, e, Math.min(this.#pieceBytes, buf.length - e), e);
        if (old !== null && e <= size) {
          // Same length: both alignments are one, so each piece is compared once.
          let same = -1;
          let inPrefix = false;
          if (prefixOpen) {
            const pe = Math.min(e, old.length);
            inPrefix = pe === e;
            if (pe > n) bufferCounters.compared += pe - n;
            same = pe > n && buf.compare(old, n, pe, n, pe) !== 0 ? 0 : 1;
            if (same === 0) {
              prefix = firstDiff(buf, old, n, pe);
              prefixOpen = false;
            } else {
              prefix = pe;
              if (pe < e) prefixOpen = false;
            }
          }
          // A piece wholly inside the common prefix needs no comparison by the end: the suffix is at most
          // min(lengths) - prefix, so a difference found there could not shorten it (an insert or a removal
          // compared every byte twice before the first difference).
          if (same !== 1 || !inPrefix) {
            const lo = Math.max(n, shift);
            if (lo > n) (diffFrom = n), (diffTo = Math.min(lo, e)), (exact = true);
            const once = shift === 0 && same !== -1;
            if (e > lo && !once) bufferCounters.compared += e - lo;
            if (e > lo && (once ? same === 0 : buf.compare(old, lo - shift, e - shift, lo, e) !== 0)) (diffFrom = lo), (diffTo = e), (exact = false);
          }
        }
        n = e;
      }
      const bytes = (this.#read = buf.subarray(0, n));
      if (old === null || n !== size) return { bytes, difference: null };
      const max = Math.min(old.length, n) - prefix;
      const last = diffTo < 0 ? -1 : exact ? diffTo - 1 : lastDiff(buf, old, shift, diffFrom, diffTo);
      const suffix = Math.min(max, n - 1 - last);
      return { bytes, difference: { against: old, prefix, suffix } };
    } finally {
      await fh.close();
    }
  }

  /** The last read() is now the version held: the other buffer becomes the spare. */
  commit(): void {
    const held = this.#spare;
    this.#spare = this.#current;
    this.#current = held;
    this.#committed = this.#read;
  }
}
