/**
 * setContextRequestHeader, appendContextRequestHeader, setContextResponseHeader,
 * appendContextResponseHeader: copy a value that an earlier filter left in the state bag into a header.
 * Nothing happens when the key is absent.
 */
import type { Arg } from '../eskip/ast.ts';
import type { FilterContext, FilterInstance, FilterSpec } from './types.ts';
import { argCount, headerNameArg, stringArg } from './args.ts';
import { addHeader, setHeader } from './header-bag.ts';

function contextHeaderSpec(name: string, phase: 'request' | 'response', mode: 'set' | 'append'): FilterSpec {
  const apply = mode === 'set' ? setHeader : addHeader;
  return {
    name,
    create(args: Arg[]): FilterInstance {
      argCount(name, args, 2);
      const header = headerNameArg(name, args, 0);
      const key = stringArg(name, args, 1, 'state bag key');
      if (phase === 'response') {
        return {
          name,
          response(ctx: FilterContext): void {
            if (!ctx.stateBag.has(key)) return;
            apply(ctx.response!.headers, header, String(ctx.stateBag.get(key)));
          },
        };
      }
      const isHost = header === 'host';
      return {
        name,
        request(ctx: FilterContext): void {
          if (!ctx.stateBag.has(key)) return;
          const v = String(ctx.stateBag.get(key));
          apply(ctx.request.headers, header, v);
          if (isHost) ctx.outgoingHost = v;
        },
      };
    },
  };
}

export const setContextRequestHeader = contextHeaderSpec('setContextRequestHeader', 'request', 'set');
export const appendContextRequestHeader = contextHeaderSpec('appendContextRequestHeader', 'request', 'append');
export const setContextResponseHeader = contextHeaderSpec('setContextResponseHeader', 'response', 'set');
export const appendContextResponseHeader = contextHeaderSpec('appendContextResponseHeader', 'response', 'append');
