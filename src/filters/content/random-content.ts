/** randomContent(length): answers with `length` random alphanumeric bytes, generated as they are read. */
import { randomFillSync } from 'node:crypto';
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { generatedReadable } from '../streams.ts';

const ALPHABET = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
const SLICE = 16 * 1024;

function* randomBytes(length: number): Generator<Buffer> {
  for (let left = length; left > 0; left -= SLICE) {
    // A fresh buffer per slice: the consumer may still hold the previous one.
    const b = randomFillSync(Buffer.allocUnsafe(Math.min(SLICE, left)));
    for (let i = 0; i < b.length; i++) b[i] = ALPHABET[b[i]! % ALPHABET.length]!;
    yield b;
  }
}

/**
 * A non-negative whole byte count (Skipper truncates fractions), or InvalidArgsError naming the filter.
 */
export function byteCountArg(filter: string, what: string, arg: Arg | undefined): number {
  if (typeof arg !== 'number' || !Number.isFinite(arg) || arg < 0) {
    throw new InvalidArgsError(`${filter}: ${what} must be a non-negative number of bytes, got ${JSON.stringify(arg)}`);
  }
  return Math.trunc(arg);
}

/** A request hook that answers 200 with `length` bytes produced on demand by `generate`. */
export function serveGenerated(length: number, generate: () => Iterable<Buffer>): (ctx: FilterContext) => void {
  const contentLength = String(length);
  return (ctx) => ctx.serve({ status: 200, headers: { 'content-length': contentLength }, body: generatedReadable(generate) });
}

export const randomContent: FilterSpec = {
  name: 'randomContent',
  create(args: Arg[]): FilterInstance {
    if (args.length !== 1) throw new InvalidArgsError(`randomContent: expects one argument (length), got ${args.length}`);
    const length = byteCountArg('randomContent', 'length', args[0]);
    return { name: 'randomContent', request: serveGenerated(length, () => randomBytes(length)) };
  },
};
