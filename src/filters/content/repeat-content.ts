/** repeatContent(text, size): answers with `size` bytes made of `text` repeated (the last copy cut short). */
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import type { FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { byteCountArg, serveGenerated } from './random-content.ts';

const MIN_BLOCK = 16 * 1024;

/**
 * Slices of a block that holds whole copies of the text, so consecutive slices continue the pattern
 * without per-request copying.
 */
function* repeated(block: Buffer, size: number): Generator<Buffer> {
  for (let left = size; left > 0; left -= block.length) yield left >= block.length ? block : block.subarray(0, left);
}

export const repeatContent: FilterSpec = {
  name: 'repeatContent',
  create(args: Arg[]): FilterInstance {
    if (args.length !== 2) throw new InvalidArgsError(`repeatContent: expects two arguments (text, size), got ${args.length}`);
    const text = args[0];
    if (typeof text !== 'string' || text === '') {
      throw new InvalidArgsError(`repeatContent: text must be a non-empty string, got ${JSON.stringify(text)}`);
    }
    const size = byteCountArg('repeatContent', 'size', args[1]);
    const unit = Buffer.from(text);
    const block = Buffer.alloc(Math.ceil(Math.min(MIN_BLOCK, Math.max(size, 1)) / unit.length) * unit.length, unit);
    return { name: 'repeatContent', request: serveGenerated(size, () => repeated(block, size)) };
  },
};
