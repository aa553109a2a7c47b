/**
 * stripQuery([preserve]): removes the query; with "true" each parameter is kept as an
 * `X-Query-Param-<name>` request header, the name reduced to letters, digits and "-" the way Skipper
 * sanitises it (Go's QuoteToASCII, then invalid header bytes dropped).
 */
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount, stringArg } from '../args.ts';
import { addHeader, parseQuery } from '../../net/index.ts';

const CONTROL_ESCAPES: Record<number, string> = { 7: 'a', 8: 'b', 9: 't', 10: 'n', 11: 'v', 12: 'f', 13: 'r' };

/** The characters Go's strconv.QuoteToASCII writes for `name`, keeping only [A-Za-z0-9-]. */
export function sanitizeParamName(name: string): string {
  let quoted = '';
  for (const ch of name) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x20 && c < 0x7f) quoted += ch;
    else if (CONTROL_ESCAPES[c] !== undefined) quoted += CONTROL_ESCAPES[c];
    else if (c < 0x80) quoted += `x${c.toString(16).padStart(2, '0')}`;
    else if (c < 0x10000) quoted += `u${c.toString(16).padStart(4, '0')}`;
    else quoted += `U${c.toString(16).padStart(8, '0')}`;
  }
  return quoted.replace(/[^A-Za-z0-9-]/g, '');
}

export const stripQuery: FilterSpec = {
  name: 'stripQuery',
  create(args: Arg[]): FilterInstance {
    argCount('stripQuery', args, 0, 1);
    const preserve = args.length === 1 && stringArg('stripQuery', args, 0, 'preserve flag').toLowerCase() === 'true';
    if (!preserve) {
      return {
        name: 'stripQuery',
        request(ctx: FilterContext): void {
          ctx.request.rawQuery = '';
        },
      };
    }
    return {
      name: 'stripQuery',
      request(ctx: FilterContext): void {
        for (const [k, values] of parseQuery(ctx.request.rawQuery)) {
          const header = `x-query-param-${sanitizeParamName(k).toLowerCase()}`;
          for (const v of values) addHeader(ctx.request.headers, header, v);
        }
        ctx.request.rawQuery = '';
      },
    };
  },
};
