/**
 * setRequestHeader, appendRequestHeader, setResponseHeader, appendResponseHeader: set or add a header
 * whose value is a template. When a placeholder resolves to nothing the header is left alone (Skipper's
 * rule). Setting the request Host header also sets the outgoing Host.
 */
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount, headerNameArg, stringArg } from '../args.ts';
import { addHeader, setHeader } from '../../net/index.ts';
import { compileTemplate } from '../template.ts';
import { stateless } from '../memo.ts';

/**
 * An instance that writes one header from a per-request value; null means "leave the header alone".
 * Shared by the template and the state bag header filters.
 */
export function headerWriter(
  name: string, phase: 'request' | 'response', mode: 'set' | 'append', header: string,
  valueOf: (ctx: FilterContext) => string | null,
): FilterInstance {
  const apply = mode === 'set' ? setHeader : addHeader;
  if (phase === 'response') {
    return {
      name,
      response(ctx: FilterContext): void {
        const v = valueOf(ctx);
        if (v !== null) apply(ctx.response!.headers, header, v);
      },
    };
  }
  const isHost = header === 'host';
  return {
    name,
    request(ctx: FilterContext): void {
      const v = valueOf(ctx);
      if (v === null) return;
      apply(ctx.request.headers, header, v);
      if (isHost) ctx.outgoingHost = v;
    },
  };
}

class FixedResponseHeader implements FilterInstance {
  readonly name: string;
  readonly #apply: typeof setHeader;
  readonly #header: string;
  readonly #value: string;
  constructor(name: string, mode: 'set' | 'append', header: string, value: string) {
    this.name = name;
    this.#apply = mode === 'set' ? setHeader : addHeader;
    this.#header = header;
    this.#value = value;
  }

  response(ctx: FilterContext): void {
    this.#apply(ctx.response!.headers, this.#header, this.#value);
  }
}

class FixedRequestHeader implements FilterInstance {
  readonly name: string;
  readonly #apply: typeof setHeader;
  readonly #header: string;
  readonly #value: string;
  constructor(name: string, mode: 'set' | 'append', header: string, value: string) {
    this.name = name;
    this.#apply = mode === 'set' ? setHeader : addHeader;
    this.#header = header;
    this.#value = value;
  }

  request(ctx: FilterContext): void {
    this.#apply(ctx.request.headers, this.#header, this.#value);
    if (this.#header === 'host') ctx.outgoingHost = this.#value;
  }
}

function headerSpec(name: string, phase: 'request' | 'response', mode: 'set' | 'append'): FilterSpec {
  return {
    name,
    create(args: Arg[]): FilterInstance {
      argCount(name, args, 2);
      const header = headerNameArg(name, args, 0);
      const template = compileTemplate(stringArg(name, args, 1, 'header value'));
      const value = template.constant;
      // A fixed value (most are): a small object whose hook is shared, no closure or template per route.
      if (value !== null) return phase === 'response' ? new FixedResponseHeader(name, mode, header, value) : new FixedRequestHeader(name, mode, header, value);
      return headerWriter(name, phase, mode, header, (ctx) => template.expandStrict(ctx));
    },
  };
}

export const setRequestHeader = stateless(headerSpec('setRequestHeader', 'request', 'set'));
export const appendRequestHeader = stateless(headerSpec('appendRequestHeader', 'request', 'append'));
export const setResponseHeader = stateless(headerSpec('setResponseHeader', 'response', 'set'));
export const appendResponseHeader = stateless(headerSpec('appendResponseHeader', 'response', 'append'));
