/**
 * A watched file read again and again into two reused buffers: the version the parser holds (`current`)
 * and a spare that the next read fills. A 260 MB routes file read with readFile per change allocated a new
 * 260 MB buffer each time (page faults and zeroing) and crossed to the thread pool every 512 kB; here it is
 * read in pieces of `pieceBytes` (8 MB) on the thread pool, so the event loop serves in between, and no
 * memory is allocated unless the file outgrew the buffers.
 */
import { open } from 'node:fs/promises';

/** Bytes per read: a read runs on the thread pool, so this bounds nothing on the event loop but the copy count. */
const PIECE_BYTES = 8 * 1024 * 1024;

export class FileBuffers {
  readonly #file: string;
  readonly #pieceBytes: number;
  #current: Buffer | null = null;
  #spare: Buffer | null = null;

  constructor(file: string, pieceBytes = PIECE_BYTES) {
    this.#file = file;
    this.#pieceBytes = pieceBytes;
  }

  /**
   * Reads the whole file into the spare buffer and returns a view of its bytes. The view stays valid until
   * the read after the next commit(); without a commit the next read fills the same spare again.
   */
  async read(): Promise<Buffer> {
    const fh = await open(this.#file, 'r');
    try {
      const size = (await fh.stat()).size;
      let buf = this.#spare;
      // Room for some growth, so a file that grows by a route does not reallocate each time.
      if (buf === null || buf.length < size + 1) buf = this.#spare = Buffer.allocUnsafeSlow(Math.max(64 * 1024, Math.ceil(size * 1.0625) + 1));
      let n = 0;
      for (;;) {
        if (n === buf.length) {
          // The file grew while being read: keep what was read, in a larger buffer.
          const larger = Buffer.allocUnsafeSlow(buf.length * 2);
          buf.copy(larger, 0, 0, n);
          buf = this.#spare = larger;
        }
        const { bytesRead } = await fh.read(buf, n, Math.min(this.#pieceBytes, buf.length - n), n);
        if (bytesRead === 0) break;
        n += bytesRead;
      }
      return buf.subarray(0, n);
    } finally {
      await fh.close();
    }
  }

  /** The last read() is now the version held: the other buffer becomes the spare. */
  commit(): void {
    const held = this.#spare;
    this.#spare = this.#current;
    this.#current = held;
  }
}
