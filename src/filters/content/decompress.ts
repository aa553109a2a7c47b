/**
 * decompress(): decodes a response body encoded with gzip, deflate and/or br (in the order listed in
 * Content-Encoding), streaming. When an encoding is not supported the body stays as it is and the state
 * bag gets `filter::decompress::not-possible` = true, as in Skipper, for later filters to check.
 */
import zlib from 'node:zlib';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { headerString, through } from '../streams.ts';

/** State-bag key set when the body is encoded but cannot be decoded here (Skipper's name). */
export const DECOMPRESSION_NOT_POSSIBLE = 'filter::decompress::not-possible';

const SUPPORTED = new Set(['gzip', 'deflate', 'br']);

/**
 * "deflate" is zlib-wrapped per RFC 9110 §8.4.1.2, but Go (and so Skipper's compress) sends raw DEFLATE:
 * look at the first two bytes (a zlib header is CMF/FLG with a check sum divisible by 31) and pick.
 */
class InflateAuto extends Transform {
  #inner: Transform | null = null;
  #head: Buffer | null = null;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.#inner === null) {
      const head = this.#head === null ? chunk : Buffer.concat([this.#head, chunk]);
      if (head.length < 2) {
        this.#head = head;
        cb();
        return;
      }
      this.#head = null;
      const zlibWrapped = (head[0]! & 0x0f) === 8 && ((head[0]! << 8) | head[1]!) % 31 === 0;
      const inner = zlibWrapped ? zlib.createInflate() : zlib.createInflateRaw();
      inner.on('data', (d: Buffer) => {
        if (!this.push(d)) inner.pause();
      });
      inner.on('error', (e) => this.destroy(e));
      this.#inner = inner;
      chunk = head;
    }
    if (this.#inner.write(chunk)) cb();
    else this.#inner.once('drain', () => cb());
  }

  override _read(size: number): void {
    this.#inner?.resume();
    super._read(size);
  }

  override _flush(cb: TransformCallback): void {
    const inner = this.#inner;
    if (inner === null) {
      // Fewer than two bytes can't be a deflate stream (an empty body is fine).
      cb(this.#head === null ? null : new Error('decompress: truncated deflate stream'));
      return;
    }
    inner.once('end', () => cb());
    inner.end();
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.#inner?.destroy();
    cb(err);
  }
}

function decoder(enc: string): Transform {
  if (enc === 'gzip') return zlib.createGunzip();
  if (enc === 'br') return zlib.createBrotliDecompress();
  return new InflateAuto();
}

export const decompress: FilterSpec = {
  name: 'decompress',
  create(args: Arg[]): FilterInstance {
    if (args.length !== 0) throw new InvalidArgsError(`decompress: takes no arguments, got ${args.length}`);
    return {
      name: 'decompress',
      response(ctx: FilterContext): void {
        const rsp = ctx.response;
        if (rsp === null) return;
        const encs = headerString(rsp.headers, 'content-encoding')
          .split(',')
          .map((e) => e.trim().toLowerCase())
          .filter((e) => e !== '' && e !== 'identity');
        if (encs.length === 0) return;
        if (!encs.every((e) => SUPPORTED.has(e))) {
          ctx.stateBag.set(DECOMPRESSION_NOT_POSSIBLE, true);
          return;
        }
        delete rsp.headers['content-encoding'];
        delete rsp.headers['vary'];
        delete rsp.headers['content-length'];
        if (rsp.body === null) return;
        // The last listed coding was applied last, so it is undone first.
        let body = rsp.body;
        for (let i = encs.length - 1; i >= 0; i--) body = through(body, decoder(encs[i]!));
        rsp.body = body;
      },
    };
  },
};
