/**
 * Hands a request body to undici without giving it up. undici destroys the body stream of a failed request,
 * which would kill the client's socket and rule out a retry. The lease reads from the source only when
 * undici first pulls, so `started === false` proves that no body byte left, and destroying the lease
 * detaches it from the source instead of destroying the client request. Back-pressure is preserved:
 * the source is paused whenever the lease's buffer is full.
 */
import { Readable } from 'node:stream';
import { isDraining } from './unread-body.ts';
import { noteRelayed } from './relay-gc.ts';

export class BodyLease extends Readable {
  readonly #src: Readable;
  #started = false;
  #ended = false;
  readonly #onData = (chunk: Buffer): void => {
    noteRelayed(chunk.length);
    if (!this.push(chunk)) this.#src.pause();
  };
  readonly #onEnd = (): void => {
    this.#ended = true;
    this.push(null);
  };
  readonly #onError = (err: Error): void => {
    this.destroy(err);
  };
  readonly #onClose = (): void => {
    if (!this.#ended) this.destroy(new Error('the client aborted the request body'));
  };

  constructor(src: Readable) {
    super({ highWaterMark: 64 * 1024 });
    this.#src = src;
  }

  /** True once any body byte was pulled from the source: the request can no longer be replayed. */
  get started(): boolean {
    return this.#started;
  }

  override _read(): void {
    if (!this.#started) {
      this.#started = true;
      this.#src.on('data', this.#onData);
      this.#src.once('end', this.#onEnd);
      this.#src.once('error', this.#onError);
      this.#src.once('close', this.#onClose);
    }
    this.#src.resume();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    const src = this.#src;
    src.off('data', this.#onData);
    src.off('end', this.#onEnd);
    src.off('error', this.#onError);
    src.off('close', this.#onClose);
    // Leave the source paused and intact for a retry or for the drain after the response (unread-body.ts),
    // unless that drain already took it over.
    if (this.#started && !this.#ended && !isDraining(src)) src.pause();
    cb(err);
  }
}
