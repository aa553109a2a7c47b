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

type Fixed = new (header: string, value: string) => FilterInstance;

/**
 * The instance class of a filter writing a fixed value: a class per filter name and phase, with the name
 * on the prototype, so an instance is its header and value only (most routes of a big table have a header
 * filter of their own, e.g. setResponseHeader("X-Route", "<route id>")).
 */
function fixedClass(name: string, phase: 'request' | 'response', mode: 'set' | 'append'): Fixed {
  const apply = mode === 'set' ? setHeader : addHeader;
  // One hook per class: the proxy files an instance under the hooks it has.
  abstract class FixedHeader {
    readonly header: string;
    readonly value: string;
    constructor(header: string, value: string) {
      this.header = header;
      this.value = value;
    }

    get name(): string {
      return name;
    }
  }
  if (phase === 'response') {
    return class FixedResponseHeader extends FixedHeader implements FilterInstance {
      response(ctx: FilterContext): void {
        apply(ctx.response!.headers, this.header, this.value);
      }
    };
  }
  return class FixedRequestHeader extends FixedHeader implements FilterInstance {
    request(ctx: FilterContext): void {
      apply(ctx.request.headers, this.header, this.value);
      if (this.header === 'host') ctx.outgoingHost = this.value;
    }
  };
}

function headerSpec(name: string, phase: 'request' | 'response', mode: 'set' | 'append'): FilterSpec {
  const Fixed = fixedClass(name, phase, mode);
  return {
    name,
    create(args: Arg[]): FilterInstance {
      argCount(name, args, 2);
      const header = headerNameArg(name, args, 0);
      const template = compileTemplate(stringArg(name, args, 1, 'header value'));
      const value = template.constant;
      // A fixed value (most are): a small object whose hook is shared, no closure or template per route.
      if (value !== null) return new Fixed(header, value);
      return headerWriter(name, phase, mode, header, (ctx) => template.expandStrict(ctx));
    },
  };
}

export const setRequestHeader = stateless(headerSpec('setRequestHeader', 'request', 'set'));
export const appendRequestHeader = stateless(headerSpec('appendRequestHeader', 'request', 'append'));
export const setResponseHeader = stateless(headerSpec('setResponseHeader', 'response', 'set'));
export const appendResponseHeader = stateless(headerSpec('appendResponseHeader', 'response', 'append'));
