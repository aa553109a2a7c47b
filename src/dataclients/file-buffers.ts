/**
 * A watched file held as one buffer, the version the parser last took, and read again in pieces without
 * a second copy of it. Each piece of a new version is read on the thread pool into a small reused buffer
 * and compared with the held version there (memcmp, while the next piece is read), by the start and by the
 * end: the read ends knowing the common prefix and suffix of the two versions (`Difference`), so the parser
 * starts from the changed bytes, and it keeps only the bytes that differ. Taking the read (`take`) patches the
 * held buffer in place: the bytes after the change move by the change in length (one memmove), the kept bytes
 * are written over them.
 *
 * A routes file of a million routes is 260 MB. Reading each version into a spare buffer of the same size
 * doubled the memory the file held, and on a machine that reclaims memory left idle (a VM whose host swaps
 * out idle guest pages), the first change after a quiet spell paid for faulting the spare back in: a 260 MB
 * spare written after 30 s idle took 0.8 s here, against 60 ms for the same bytes read piece by piece into a
 * buffer in use. docs/performance-routing.md ("One buffer for the routes file").
 */
import { open } from 'node:fs/promises';

/** Bytes per read. */
const PIECE_BYTES = 8 * 1024 * 1024;

/** Work counter for tests: bytes compared piece by piece with the held version. */
export const bufferCounters = { compared: 0 };

/** Where a read version differs from the held one it was compared with (`against`). */
export interface Difference {
  /** The held version it was compared with, as take() returned it. */
  readonly against: Buffer;
  /** Length of the common prefix. */
  readonly prefix: number;
  /** Length of the common suffix, at most min(lengths) - prefix. */
  readonly suffix: number;
}

/** New bytes at new offset `at` that the held version does not have where they go. */
interface Kept {
  readonly at: number;
  readonly bytes: Buffer;
}

/**
 * A version read, not yet taken: its size and difference from the held version, and what take() needs to
 * make it the held one (the whole bytes, or the kept bytes of a piecewise read).
 */
export class FileRead {
  readonly size: number;
  /** Null when the read holds the whole file (the first read, or one the file changed under). */
  readonly difference: Difference | null;
  /** @internal */
  readonly against: Buffer | null;
  /** @internal the buffer holding the whole file in its first `size` bytes, when difference is null */
  readonly whole: Buffer | null;
  /** @internal */
  readonly kept: readonly Kept[];

  constructor(size: number, against: Buffer | null, difference: Difference | null, whole: Buffer | null, kept: readonly Kept[]) {
    this.size = size;
    this.against = against;
    this.difference = difference;
    this.whole = whole;
    this.kept = kept;
  }
}

/** The first offset in [from, to) where the new bytes (`a`, holding new offsets from `base`) and the old `b` differ; they do there. */
function firstDiff(a: Buffer, base: number, b: Buffer, from: number, to: number): number {
  let lo = from;
  let hi = to;
  while (hi - lo > 64) {
    const mid = (lo + hi) >>> 1;
    if (a.compare(b, lo, mid, lo - base, mid - base) === 0) lo = mid;
    else hi = mid;
  }
  while (lo < hi && a[lo - base] === b[lo]) lo++;
  return lo;
}

/** The last new offset in [from, to) where new (`a` from `base`) differs from old `b` at the offset less `shift`; they do there. */
function lastDiff(a: Buffer, base: number, b: Buffer, shift: number, from: number, to: number): number {
  let lo = from;
  let hi = to;
  while (hi - lo > 64) {
    const mid = (lo + hi) >>> 1;
    if (a.compare(b, mid - shift, hi - shift, mid - base, hi - base) === 0) hi = mid;
    else lo = mid;
  }
  while (hi > lo && a[hi - 1 - base] === b[hi - 1 - shift]) hi--;
  return hi - 1;
}

/** Room for some growth, so a file that grows by a route does not reallocate each time. */
function capacityFor(size: number): number {
  return Math.max(64 * 1024, Math.ceil(size * 1.0625) + 1);
}

export class FileBuffers {
  readonly #file: string;
  readonly #pieceBytes: number;
  /** The held version's buffer, and its bytes (a view of it). */
  #held: Buffer | null = null;
  #committed: Buffer | null = null;
  /** Two piece buffers: one is compared while the thread pool reads the next piece into the other. */
  #scratch: [Buffer, Buffer] | null = null;

  constructor(file: string, pieceBytes = PIECE_BYTES) {
    this.#file = file;
    this.#pieceBytes = pieceBytes;
  }

  /** The held version's bytes (what take() returned last), or null before the first. */
  get held(): Buffer | null {
    return this.#committed;
  }

  /**
   * Reads the file and compares it with the held version, which it leaves as it is: a read that is not
   * taken (the file changed again meanwhile) costs nothing more. The first read, and one the file changed
   * length under, hold the whole file instead (difference null).
   */
  async read(): Promise<FileRead> {
    const old = this.#committed;
    if (old === null) return this.#readWhole(null);
    const fh = await open(this.#file, 'r');
    let torn = false;
    let read: FileRead | null = null;
    try {
      const size = (await fh.stat()).size;
      this.#scratch ??= [Buffer.allocUnsafeSlow(this.#pieceBytes), Buffer.allocUnsafeSlow(this.#pieceBytes)];
      let [cur, next] = this.#scratch;
      // Aligned by the start (the prefix) and by the end (the suffix: new offset i is old offset i - shift).
      const shift = size - old.length;
      let prefix = 0;
      let prefixOpen = true;
      const kept: Kept[] = [];
      // One past the last new offset known to differ from the old version aligned by the end.
      let lastEnd = -1;
      let n = 0;
      let pending = size === 0 ? null : fh.read(cur, 0, Math.min(cur.length, size), 0);
      while (pending !== null) {
        const { bytesRead } = await pending;
        if (bytesRead === 0) {
          torn = n !== size;
          break;
        }
        const e = n + bytesRead;
        // The next piece is read on the thread pool while this one is compared here.
        pending = e < size ? fh.read(next, 0, Math.min(next.length, size - e), e) : null;
        // Same length: both alignments are one, so each piece is compared once.
        let same = -1;
        let inPrefix = false;
        if (prefixOpen) {
          const pe = Math.min(e, old.length);
          inPrefix = pe === e;
          if (pe > n) bufferCounters.compared += pe - n;
          same = pe > n && cur.compare(old, n, pe, 0, pe - n) !== 0 ? 0 : 1;
          if (same === 0) {
            prefix = firstDiff(cur, n, old, n, pe);
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
          // Offsets below `lo` have no old counterpart (the file grew by more than them): all new.
          const lo = Math.max(n, shift);
          let end = lo > n ? Math.min(lo, e) : -1;
          const once = shift === 0 && same !== -1;
          if (e > lo && !once) bufferCounters.compared += e - lo;
          if (e > lo && (once ? same === 0 : cur.compare(old, lo - shift, e - shift, lo - n, e - n) !== 0)) end = lastDiff(cur, n, old, shift, lo, e) + 1;
          if (end !== -1) {
            // What the end alignment cannot restore: from the first difference (or the piece) to the last one.
            const from = Math.max(n, prefix);
            if (end > from) kept.push({ at: from, bytes: Buffer.from(cur.subarray(from - n, end - n)) });
            lastEnd = end;
          }
        }
        [cur, next] = [next, cur];
        n = e;
      }
      if (!torn) {
        const max = Math.min(old.length, size) - prefix;
        const suffix = lastEnd < 0 ? max : Math.min(max, size - lastEnd);
        read = new FileRead(size, old, { against: old, prefix, suffix }, null, kept);
      }
    } finally {
      await fh.close();
    }
    // The file shrank while it was read: read it whole (the caller's settle check will likely drop it anyway).
    return read ?? this.#readWhole(old);
  }

  /**
   * Makes `r` the held version and returns its bytes: in place (the bytes after the change moved, the kept
   * ones written), or in a larger buffer when it outgrew this one. `r` must be a read of the held version.
   * The previous bytes are gone afterwards; only their length is still told by the view take() returned.
   */
  take(r: FileRead): Buffer {
    if (r.against !== this.#committed) throw new Error('FileBuffers.take: the read was compared with another version');
    if (r.whole !== null) {
      this.#held = r.whole;
      return (this.#committed = r.whole.subarray(0, r.size));
    }
    const old = this.#committed!;
    const d = r.difference!;
    if (d.prefix === old.length && old.length === r.size) return old;
    const shift = r.size - old.length;
    // New offsets from here on are old offsets + shift (those below `shift` are kept bytes).
    const from = Math.max(d.prefix, shift);
    let target = this.#held!;
    if (target.length < r.size) {
      target = Buffer.allocUnsafeSlow(capacityFor(r.size));
      old.copy(target, 0, 0, d.prefix);
      if (from - shift < old.length) old.copy(target, from, from - shift, old.length);
    } else if (shift !== 0 && from - shift < old.length) {
      target.copyWithin(from, from - shift, old.length);
    }
    for (const k of r.kept) k.bytes.copy(target, k.at);
    this.#held = target;
    return (this.#committed = target.subarray(0, r.size));
  }

  /** The whole file in a buffer of its own (with room to grow), compared with nothing. */
  async #readWhole(against: Buffer | null): Promise<FileRead> {
    const fh = await open(this.#file, 'r');
    try {
      const size = (await fh.stat()).size;
      let buf = Buffer.allocUnsafeSlow(capacityFor(size));
      let n = 0;
      for (;;) {
        if (n === buf.length) {
          // The file grew while being read: keep what was read, in a larger buffer.
          const larger = Buffer.allocUnsafeSlow(buf.length * 2);
          buf.copy(larger, 0, 0, n);
          buf = larger;
        }
        const { bytesRead } = await fh.read(buf, n, Math.min(this.#pieceBytes, buf.length - n), n);
        if (bytesRead === 0) break;
        n += bytesRead;
      }
      return new FileRead(n, against, null, buf, []);
    } finally {
      await fh.close();
    }
  }
}
