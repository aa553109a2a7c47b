/**
 * setContextRequestHeader, appendContextRequestHeader, setContextResponseHeader,
 * appendContextResponseHeader: copy a value that an earlier filter left in the state bag into a header.
 * Nothing happens when the key is absent.
 */
import type { Arg } from '../../eskip/index.ts';
import type { FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount, headerNameArg, stringArg } from '../args.ts';
import { headerWriter } from './set-header.ts';

function contextHeaderSpec(name: string, phase: 'request' | 'response', mode: 'set' | 'append'): FilterSpec {
  return {
    name,
    create(args: Arg[]): FilterInstance {
      argCount(name, args, 2);
      const header = headerNameArg(name, args, 0);
      const key = stringArg(name, args, 1, 'state bag key');
      return headerWriter(name, phase, mode, header, (ctx) => (ctx.stateBag.has(key) ? String(ctx.stateBag.get(key)) : null));
    },
  };
}

export const setContextRequestHeader = contextHeaderSpec('setContextRequestHeader', 'request', 'set');
export const appendContextRequestHeader = contextHeaderSpec('appendContextRequestHeader', 'request', 'append');
export const setContextResponseHeader = contextHeaderSpec('setContextResponseHeader', 'response', 'set');
export const appendContextResponseHeader = contextHeaderSpec('appendContextResponseHeader', 'response', 'append');
