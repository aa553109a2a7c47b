/** A test client on one raw connection: bytes in exactly as written, responses read off the wire. */
import net from 'node:net';
import type { TestContext } from 'node:test';

/** Writes bytes and reads whole responses (Content-Length framed, or none for HEAD, 1xx, 204 and 304). */
export class RawClient {
  readonly socket: net.Socket;
  #buf = Buffer.alloc(0);
  #wake: (() => void) | null = null;
  closed = false;
  constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (c: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, c]);
      this.#wake?.();
    });
    // A reset after the answer is one of the allowed outcomes.
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.#wake?.();
    });
  }

  static async open(t: TestContext, port: number): Promise<RawClient> {
    const s = net.connect(port, '127.0.0.1');
    t.after(() => s.destroy());
    await new Promise<void>((resolve, reject) => s.once('connect', resolve).once('error', reject));
    return new RawClient(s);
  }

  write(b: string | Buffer): void {
    this.socket.write(b);
  }

  /**
   * The next response's head and body; null when the connection closed first. `noBody`: a response to
   * HEAD, whose Content-Length announces a body that is not sent; 1xx, 204 and 304 never have one.
   */
  async response(noBody = false): Promise<{ head: string; body: string } | null> {
    for (;;) {
      const end = this.#buf.indexOf('\r\n\r\n');
      if (end !== -1) {
        const head = this.#buf.subarray(0, end).toString('latin1');
        const bodiless = noBody || /^HTTP\/1\.[01] (1\d\d|204|304) /.test(head);
        const cl = bodiless ? 0 : Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (this.#buf.length >= end + 4 + cl) {
          const body = this.#buf.subarray(end + 4, end + 4 + cl).toString();
          this.#buf = this.#buf.subarray(end + 4 + cl);
          return { head, body };
        }
      }
      if (this.closed) return null;
      await new Promise<void>((r) => (this.#wake = r));
    }
  }

  /** Bytes received and not yet taken by response(). */
  get pending(): number {
    return this.#buf.length;
  }

  /** Resolves when the proxy closed the connection (FIN or reset). */
  async closedByPeer(): Promise<void> {
    while (!this.closed) await new Promise<void>((r) => (this.#wake = r));
  }
}
