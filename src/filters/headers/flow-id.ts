/**
 * flowId(["reuse"]): sets X-Flow-Id to a new 16-character id; with "reuse" a valid incoming id is kept.
 * Any other first argument (older routes pass "ignore") regenerates always; a second argument, the
 * length of Skipper's deprecated syntax, is accepted and ignored.
 */
import { randomFillSync } from 'node:crypto';
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount, stringArg } from '../args.ts';
import { getFirst } from '../../net/index.ts';

/** The header carrying the flow id. */
export const FLOW_ID_HEADER = 'x-flow-id';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-+';
const LENGTH = 16;
const VALID = /^[0-9a-zA-Z+-]{8,64}$/;

// Random bytes are drawn in blocks so that a request costs no system call.
const pool = Buffer.alloc(4096);
let offset = pool.length;

/** A new id of 16 characters from Skipper's 64-symbol alphabet. */
export function newFlowId(): string {
  if (offset + LENGTH > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  let id = '';
  for (let i = 0; i < LENGTH; i++) id += ALPHABET[pool[offset + i]! & 63];
  offset += LENGTH;
  return id;
}

/** Whether an incoming id has the form Skipper's standard generator accepts for reuse. */
export function isValidFlowId(id: string): boolean {
  return VALID.test(id);
}

export const flowId: FilterSpec = {
  name: 'flowId',
  create(args: Arg[]): FilterInstance {
    argCount('flowId', args, 0, 2);
    const reuse = args.length > 0 && stringArg('flowId', args, 0, 'mode').toLowerCase() === 'reuse';
    return {
      name: 'flowId',
      request(ctx: FilterContext): void {
        if (reuse && isValidFlowId(getFirst(ctx.request.headers, FLOW_ID_HEADER))) return;
        ctx.request.headers[FLOW_ID_HEADER] = newFlowId();
      },
    };
  },
};
