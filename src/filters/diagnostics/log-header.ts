/**
 * logHeader(["request"], ["response"]): logs the request line and headers (default) and/or the status
 * line and response headers, never bodies. Authorization values are replaced by TRUNCATED. As in Skipper,
 * other strings are accepted and ignored, and no argument means "request".
 */
import { STATUS_CODES } from 'node:http';
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import type { HeaderBag } from '../../routing/types.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { headerString } from '../streams.ts';

/** "content-type" → "Content-Type", the form Go prints header names in. */
function canonical(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

function headerLines(headers: HeaderBag, skip: string | null): string {
  let out = '';
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === skip) continue;
    const shown = name === 'authorization' ? 'TRUNCATED' : typeof value === 'string' ? value : value.join(' ');
    out += `${canonical(name)}: ${shown}\r\n`;
  }
  return out;
}

function requestLine(ctx: FilterContext): string {
  return `${ctx.request.method} ${ctx.request.path} HTTP/1.1\r\n`;
}

function logRequest(ctx: FilterContext): void {
  const host = ctx.outgoingHost ?? (headerString(ctx.request.headers, 'host') || ctx.original.host);
  ctx.log('info', `${requestLine(ctx)}Host: ${host}\r\n${headerLines(ctx.request.headers, 'host')}\r\n`);
}

function logResponse(ctx: FilterContext): void {
  const rsp = ctx.response;
  if (rsp === null) return;
  const status = `${rsp.status} ${STATUS_CODES[rsp.status] ?? ''}`.trimEnd();
  ctx.log('info', `Response for ${requestLine(ctx)}${status}\r\n${headerLines(rsp.headers, null)}\r\n`);
}

export const logHeader: FilterSpec = {
  name: 'logHeader',
  create(args: Arg[]): FilterInstance {
    let request = args.length === 0;
    let response = false;
    for (const a of args) {
      if (typeof a !== 'string') throw new InvalidArgsError(`logHeader: arguments must be "request" or "response", got ${a}`);
      const which = a.toLowerCase();
      if (which === 'request') request = true;
      else if (which === 'response') response = true;
    }
    const f: { name: string; request?: (ctx: FilterContext) => void; response?: (ctx: FilterContext) => void } = { name: 'logHeader' };
    if (request) f.request = logRequest;
    if (response) f.response = logResponse;
    return f;
  },
};
