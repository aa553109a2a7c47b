/**
 * queryToHeader(param, header[, format]) copies a query parameter into a request header unless the
 * header is already set; headerToQuery(header, param) sets a query parameter from a header.
 */
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount, headerNameArg, stringArg } from '../args.ts';
import { encodeQuery, getFirst, parseQuery, queryGet } from '../../net/index.ts';

/** Splits a Go format string with exactly one %s (or %v) into the text around it; "%%" is a percent. */
function compileFormat(format: string): [string, string] {
  const pieces: string[] = [];
  let cur = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%') { cur += c; continue; }
    const verb = format[i + 1];
    if (verb === '%') { cur += '%'; i++; continue; }
    if (verb !== 's' && verb !== 'v') {
      throw new InvalidArgsError(`queryToHeader: format ${JSON.stringify(format)} may only use %s (and %%)`);
    }
    pieces.push(cur);
    cur = '';
    i++;
  }
  pieces.push(cur);
  if (pieces.length !== 2) {
    throw new InvalidArgsError(`queryToHeader: format ${JSON.stringify(format)} must contain exactly one %s`);
  }
  return [pieces[0]!, pieces[1]!];
}

export const queryToHeader: FilterSpec = {
  name: 'queryToHeader',
  create(args: Arg[]): FilterInstance {
    argCount('queryToHeader', args, 2, 3);
    const param = stringArg('queryToHeader', args, 0, 'query parameter');
    const header = headerNameArg('queryToHeader', args, 1);
    const [prefix, suffix] = args.length === 3 ? compileFormat(stringArg('queryToHeader', args, 2, 'format')) : ['', ''];
    return {
      name: 'queryToHeader',
      request(ctx: FilterContext): void {
        if (getFirst(ctx.request.headers, header) !== '') return;
        const v = queryGet(ctx.request.rawQuery, param);
        if (v !== '') ctx.request.headers[header] = prefix + v + suffix;
      },
    };
  },
};

export const headerToQuery: FilterSpec = {
  name: 'headerToQuery',
  create(args: Arg[]): FilterInstance {
    argCount('headerToQuery', args, 2);
    const header = headerNameArg('headerToQuery', args, 0);
    const param = stringArg('headerToQuery', args, 1, 'query parameter');
    return {
      name: 'headerToQuery',
      request(ctx: FilterContext): void {
        const q = parseQuery(ctx.request.rawQuery);
        q.set(param, [getFirst(ctx.request.headers, header)]);
        ctx.request.rawQuery = encodeQuery(q);
      },
    };
  },
};
