/**
 * The per-request abort switch handed to undici. undici accepts an EventEmitter with an 'abort' event and a
 * `reason` as its signal; that costs far less per request than an AbortController, whose EventTarget
 * listeners undici adds and removes on every request. The flag must not be called `aborted`: undici takes
 * any object with that property for a native AbortSignal.
 */
import { EventEmitter } from 'node:events';

export class Abort extends EventEmitter {
  isAborted = false;
  reason: unknown = undefined;

  abort(reason: unknown): void {
    if (this.isAborted) return;
    this.isAborted = true;
    this.reason = reason;
    this.emit('abort');
  }

  /** An Abort that follows this one (and can also be aborted on its own). */
  child(): Abort {
    const c = new Abort();
    if (this.isAborted) c.abort(this.reason);
    else this.once('abort', () => c.abort(this.reason));
    return c;
  }
}
