/**
 * requestCookie(name, value) adds a cookie to the request; responseCookie(name, value[, maxAge
 * [, "change-only"]]) and jsCookie (the same without HttpOnly) set one on the response, for the domain
 * of the incoming host minus its first label, Path=/ and Secure. With "change-only" the cookie is only
 * set when the request did not already carry it with that value. Max-Age 0 expires the cookie.
 */
import type { Arg } from '../../eskip/index.ts';
import { InvalidArgsError } from '../../errors.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount, numberArg, stringArg } from '../args.ts';
import { addHeader, getFirst } from '../../net/index.ts';
import { requestCookie as readCookie, sanitizeCookieValue, validCookieDomain } from './cookie-header.ts';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Cookie names are RFC 6265 tokens; Go would silently write an empty Set-Cookie for anything else. */
function nameArg(filter: string, args: Arg[]): string {
  const name = stringArg(filter, args, 0, 'cookie name');
  if (!TOKEN.test(name)) throw new InvalidArgsError(`${filter}: invalid cookie name ${JSON.stringify(name)}`);
  return name;
}

/** Skipper's extractDomainFromHost: the host without port, minus its first label when it has 3+ labels. */
export function cookieDomain(host: string): string {
  let h = host;
  const v6 = /^\[(.*)\](?::\d*)?$/.exec(h);
  if (v6 !== null) h = v6[1]!;
  else if (h.indexOf(':') === h.lastIndexOf(':')) h = h.replace(/:\d*$/, '');
  const labels = h.split('.');
  return labels.length < 3 ? h : labels.slice(1).join('.');
}

export const requestCookie: FilterSpec = {
  name: 'requestCookie',
  create(args: Arg[]): FilterInstance {
    argCount('requestCookie', args, 2);
    const name = nameArg('requestCookie', args);
    const value = stringArg('requestCookie', args, 1, 'cookie value');
    const pair = `${name}=${sanitizeCookieValue(value)}`;
    const stateKey = `CookieSet:${name}`;
    return {
      name: 'requestCookie',
      request(ctx: FilterContext): void {
        ctx.stateBag.set(stateKey, value);
        const current = getFirst(ctx.request.headers, 'cookie');
        ctx.request.headers['cookie'] = current === '' ? pair : `${current}; ${pair}`;
      },
    };
  },
};

function responseCookieSpec(filter: string, httpOnly: boolean): FilterSpec {
  return {
    name: filter,
    create(args: Arg[]): FilterInstance {
      argCount(filter, args, 2, 4);
      const name = nameArg(filter, args);
      const value = stringArg(filter, args, 1, 'cookie value');
      let maxAge = '';
      if (args.length >= 3) {
        const n = Math.trunc(numberArg(filter, args, 2, 'max age'));
        // An explicit 0 means "expire now", which Set-Cookie spells Max-Age=0.
        maxAge = `; Max-Age=${n > 0 ? n : 0}`;
      }
      const changeOnly = args.length === 4 && stringArg(filter, args, 3, 'mode') === 'change-only';
      const head = `${name}=${sanitizeCookieValue(value)}; Path=/`;
      const tail = `${maxAge}${httpOnly ? '; HttpOnly' : ''}; Secure`;
      const stateKey = `CookieSet:${name}`;
      return {
        name: filter,
        response(ctx: FilterContext): void {
          ctx.stateBag.set(stateKey, value);
          if (changeOnly && readCookie(ctx.original.headers, name) === value) return;
          let domain = cookieDomain(ctx.original.host);
          if (domain.startsWith('.')) domain = domain.slice(1);
          const d = domain !== '' && validCookieDomain(domain) ? `; Domain=${domain}` : '';
          addHeader(ctx.response!.headers, 'set-cookie', head + d + tail);
        },
      };
    },
  };
}

export const responseCookie = responseCookieSpec('responseCookie', true);
export const jsCookie = responseCookieSpec('jsCookie', false);
