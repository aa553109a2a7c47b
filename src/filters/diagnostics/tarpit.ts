/**
 * tarpit(interval): answers 200 and then sends one space every `interval`, forever, to hold the client's
 * connection open at almost no cost. The stream stops when the client goes away.
 */
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { generatedReadable, sleep } from '../streams.ts';
import { durationOrNull } from './latency.ts';

const SPACE = Buffer.from(' ');

export const tarpit: FilterSpec = {
  name: 'tarpit',
  create(args: Arg[]): FilterInstance {
    if (args.length !== 1 || typeof args[0] !== 'string') {
      throw new InvalidArgsError(`tarpit: expects one duration string like "1s", got ${JSON.stringify(args)}`);
    }
    const ms = durationOrNull(args[0]);
    // A zero interval would spin the event loop writing spaces as fast as the socket takes them.
    if (ms === null || ms <= 0) throw new InvalidArgsError(`tarpit: interval must be a positive duration, got ${JSON.stringify(args[0])}`);
    return {
      name: 'tarpit',
      request(ctx: FilterContext): void {
        ctx.serve({
          status: 200,
          headers: {},
          body: generatedReadable(async function* (signal) {
            for (;;) {
              await sleep(ms, signal);
              if (signal.aborted) return;
              yield SPACE;
            }
          }),
        });
      },
    };
  },
};
