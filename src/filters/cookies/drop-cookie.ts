/**
 * dropRequestCookie(name) removes a cookie from the request's Cookie header; dropResponseCookie(name)
 * removes the Set-Cookie lines that set it. Headers without that cookie are left untouched; when one is
 * rewritten, malformed cookies are dropped with it, as Go's cookie parsing does.
 */
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount, stringArg } from '../args.ts';
import { getAll, setAll } from '../../net/index.ts';
import { requestCookies, sanitizeCookieValue, setCookieName } from './cookie-header.ts';

export const dropRequestCookie: FilterSpec = {
  name: 'dropRequestCookie',
  create(args: Arg[]): FilterInstance {
    argCount('dropRequestCookie', args, 1);
    const name = stringArg('dropRequestCookie', args, 0, 'cookie name');
    return {
      name: 'dropRequestCookie',
      request(ctx: FilterContext): void {
        const h = ctx.request.headers;
        if (h['cookie'] === undefined) return;
        const cookies = requestCookies(h);
        if (!cookies.some((c) => c.name === name)) return;
        const kept = cookies.filter((c) => c.name !== name).map((c) => `${c.name}=${sanitizeCookieValue(c.value)}`);
        if (kept.length === 0) delete h['cookie'];
        else h['cookie'] = kept.join('; ');
      },
    };
  },
};

export const dropResponseCookie: FilterSpec = {
  name: 'dropResponseCookie',
  create(args: Arg[]): FilterInstance {
    argCount('dropResponseCookie', args, 1);
    const name = stringArg('dropResponseCookie', args, 0, 'cookie name');
    return {
      name: 'dropResponseCookie',
      response(ctx: FilterContext): void {
        const h = ctx.response!.headers;
        const lines = getAll(h, 'set-cookie');
        if (lines.length === 0) return;
        const names = lines.map(setCookieName);
        if (!names.includes(name)) return;
        setAll(h, 'set-cookie', lines.filter((_, i) => names[i] !== null && names[i] !== name));
      },
    };
  },
};
