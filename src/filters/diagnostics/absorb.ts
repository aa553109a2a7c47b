/**
 * absorb() / absorbSilent(): read the whole request body, throw it away and answer 200 without calling
 * the backend (for load tests of uploads). absorb logs the request's flow id (X-Flow-Id, or a generated
 * one), the consumed byte count at most once a second while reading, and the total; absorbSilent logs
 * only read errors.
 */
import { randomBytes } from 'node:crypto';
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { headerString } from '../streams.ts';

const PROGRESS_INTERVAL_MS = 1000;

/** A 16-character id in Skipper's flow id alphabet, for requests that came without one. */
function newFlowId(): string {
  return randomBytes(12).toString('base64').replace(/\//g, '-');
}

async function absorbBody(ctx: FilterContext, silent: boolean): Promise<void> {
  const id = headerString(ctx.request.headers, 'x-flow-id') || newFlowId();
  const body = ctx.request.body;
  ctx.request.body = null;
  delete ctx.request.headers['content-length'];
  delete ctx.request.headers['transfer-encoding'];
  if (!silent) ctx.log('info', `received request to be absorbed: ${id}`);
  let count = 0;
  try {
    if (body !== null) {
      let next = Date.now() + PROGRESS_INTERVAL_MS;
      for await (const chunk of body) {
        count += (chunk as Buffer).length;
        if (!silent && Date.now() >= next) {
          ctx.log('info', `request ${id}, consumed bytes: ${count}`);
          next += PROGRESS_INTERVAL_MS;
        }
      }
    }
  } catch (e) {
    ctx.log(silent ? 'warn' : 'info', `request ${id}, error while consuming request: ${(e as Error).message}`);
  }
  if (!silent) {
    ctx.log('info', `request ${id}, consumed bytes: ${count}`);
    ctx.log('info', `request finished: ${id}`);
  }
  ctx.serve({ status: 200, headers: {}, body: null });
}

function absorbSpec(name: string, silent: boolean): FilterSpec {
  return {
    name,
    create(args: Arg[]): FilterInstance {
      if (args.length !== 0) throw new InvalidArgsError(`${name}: takes no arguments, got ${args.length}`);
      return { name, request: (ctx) => absorbBody(ctx, silent) };
    },
  };
}

export const absorb: FilterSpec = absorbSpec('absorb', false);
export const absorbSilent: FilterSpec = absorbSpec('absorbSilent', true);
