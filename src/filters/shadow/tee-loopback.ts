/**
 * teeLoopback(label): runs a copy of the request through routing again, marked with the header
 * `X-Tee-Loopback-Key: <label>` that the Tee predicate matches; the copy's response is discarded. A
 * request that already carries the label is not copied again, so a shadow route matching it cannot loop.
 */
import type { Readable } from 'node:stream';
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import type { HeaderBag } from '../../routing/types.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { headerString, splitBody } from '../streams.ts';
import { DEFAULT_TEE_OPTIONS } from './tee.ts';

/** The header carrying the tee label (lower-case, as in header bags). */
export const TEE_LOOPBACK_HEADER = 'x-tee-loopback-key';

function copyHeaders(headers: HeaderBag): HeaderBag {
  const out: HeaderBag = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = typeof v === 'string' ? v : [...v];
  return out;
}

export const teeLoopback: FilterSpec = {
  name: 'teeLoopback',
  create(args: Arg[]): FilterInstance {
    // Skipper ignores arguments after the label; so do we, to accept the same routes.
    const label = args[0];
    if (typeof label !== 'string' || label === '') {
      throw new InvalidArgsError(`teeLoopback: expects a non-empty tee label string, got ${JSON.stringify(label)}`);
    }
    return {
      name: 'teeLoopback',
      request(ctx: FilterContext): void {
        const req = ctx.request;
        if (headerString(req.headers, TEE_LOOPBACK_HEADER) === label) return;
        let body: Readable | null = null;
        if (req.body !== null) {
          const split = splitBody(req.body, DEFAULT_TEE_OPTIONS.maxBufferedBytes);
          req.body = split.main;
          body = split.shadow;
        }
        const headers = copyHeaders(req.headers);
        headers[TEE_LOOPBACK_HEADER] = label;
        ctx.loopbackShadow({ method: req.method, path: req.path, rawQuery: req.rawQuery, headers, body });
      },
    };
  },
};
