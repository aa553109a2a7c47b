/**
 * redirectTo(code[, location]) and redirectToLower: answer with a redirect whose Location merges the
 * configured location into the request URL the way Skipper does. Missing parts come from the request:
 * scheme (default "https", the scheme of the incoming URL being unknown to the router), host (the Host
 * header), path, and the query when the location has none. redirectToLower lower-cases the path.
 */
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount, statusArg, stringArg } from '../args.ts';
import { decodedPath, escapePath, getFirst, unescapePath } from '../../net/index.ts';

/** A location split like Go's url.Parse; path and query stay escaped as written. */
interface Location {
  scheme: string;
  /** Set for "scheme:opaque" locations such as "mailto:x". */
  opaque: string;
  host: string;
  path: string;
  query: string;
  fragment: string;
}

function parseLocation(filter: string, text: string): Location {
  const bad = (why: string): never => {
    throw new InvalidArgsError(`${filter}: invalid location ${JSON.stringify(text)}: ${why}`);
  };
  if (/[\x00-\x20\x7f]/.test(text)) bad('control character or space');
  let rest = text;
  const hash = rest.indexOf('#');
  const fragment = hash === -1 ? '' : rest.slice(hash + 1);
  if (hash !== -1) rest = rest.slice(0, hash);
  const qm = rest.indexOf('?');
  const query = qm === -1 ? '' : rest.slice(qm + 1);
  if (qm !== -1) rest = rest.slice(0, qm);
  let scheme = '';
  const sm = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (sm !== null) {
    scheme = sm[1]!.toLowerCase();
    rest = rest.slice(sm[0].length);
  } else if (rest.startsWith(':')) {
    bad('missing protocol scheme');
  }
  let host = '';
  let opaque = '';
  if (rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    const authority = end === -1 ? rest.slice(2) : rest.slice(2, end);
    rest = end === -1 ? '' : rest.slice(end);
    // Skipper replaces the user info with the request's, which has none.
    host = authority.slice(authority.lastIndexOf('@') + 1);
    if (/[^A-Za-z0-9.\-_~!$&'()*+,;=:[\]%]/.test(host)) bad('invalid host');
  } else if (scheme !== '' && rest !== '' && !rest.startsWith('/')) {
    opaque = rest;
    rest = '';
  } else if (scheme === '' && rest.split('/')[0]!.includes(':')) {
    bad('first path segment cannot contain a colon');
  }
  if (unescapePath(rest) === null || unescapePath(query.replaceAll('+', ' ')) === null) bad('invalid escape');
  return { scheme, opaque, host, path: rest, query, fragment };
}

function redirectSpec(name: string, lower: boolean): FilterSpec {
  return {
    name,
    create(args: Arg[]): FilterInstance {
      argCount(name, args, 1, 2);
      const code = statusArg(name, args, 0, 300, 399);
      const loc = parseLocation(name, args.length === 2 ? stringArg(name, args, 1, 'location') : '');
      const scheme = `${loc.scheme === '' ? 'https' : loc.scheme}:`;
      const fragment = loc.fragment === '' ? '' : `#${loc.fragment}`;
      // A configured path is used as written unless it must be lower-cased.
      const fixedPath = loc.path === '' ? null : lower ? escapePath(decodedPath(loc.path).toLowerCase()) : loc.path;
      return {
        name,
        request(ctx: FilterContext): void {
          let location: string;
          const query = loc.query !== '' ? loc.query : ctx.request.rawQuery;
          if (loc.opaque !== '') {
            location = scheme + loc.opaque;
          } else {
            const host = loc.host !== '' ? loc.host : getFirst(ctx.request.headers, 'host') || ctx.original.host;
            let path = fixedPath;
            if (path === null) {
              const p = decodedPath(ctx.request.path);
              path = escapePath(lower ? p.toLowerCase() : p);
            }
            if (path !== '' && !path.startsWith('/')) path = `/${path}`;
            location = `${scheme}//${host}${path}`;
          }
          if (query !== '') location += `?${query}`;
          ctx.serve({ status: code, headers: { location: location + fragment }, body: null });
        },
      };
    },
  };
}

export const redirectTo = redirectSpec('redirectTo', false);
export const redirectToLower = redirectSpec('redirectToLower', true);
