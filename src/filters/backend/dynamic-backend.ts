/**
 * The setDynamicBackend… filters choose the backend of a `<dynamic>` route: a whole URL, or host and
 * scheme separately, from an argument or from a request header. They keep Skipper's state bag keys and
 * resolve them the way Skipper's proxy does into ctx.dynamicBackendUrl ("scheme://host"): a URL, when set
 * and absolute, wins; otherwise host and scheme each default to those of the incoming request. Setting a
 * host also sets the outgoing Host header.
 */
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount, headerNameArg, stringArg } from '../args.ts';
import { getFirst } from '../../net/index.ts';

/** Skipper's state bag keys, kept so other filters can read the choice. */
export const DYNAMIC_BACKEND_URL_KEY = 'backend:dynamic:url';
export const DYNAMIC_BACKEND_HOST_KEY = 'backend:dynamic:host';
export const DYNAMIC_BACKEND_SCHEME_KEY = 'backend:dynamic:scheme';

const ABSOLUTE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#@\s]*@)?([^/?#\s]+)/;

/** Scheme and host of an absolute URL, or null when the text is not one. */
function schemeAndHost(url: string): { scheme: string; host: string } | null {
  const m = ABSOLUTE.exec(url);
  return m === null ? null : { scheme: m[1]!.toLowerCase(), host: m[3]! };
}

function bagString(ctx: FilterContext, key: string): string {
  const v = ctx.stateBag.get(key);
  return typeof v === 'string' ? v : '';
}

/** Recomputes ctx.dynamicBackendUrl from the state bag, as Skipper's setRequestURLForDynamicBackend. */
function resolve(ctx: FilterContext): void {
  const url = bagString(ctx, DYNAMIC_BACKEND_URL_KEY);
  let scheme = ctx.original.protocol as string;
  let host = ctx.original.host;
  if (url !== '') {
    const parsed = schemeAndHost(url);
    if (parsed !== null) ({ scheme, host } = parsed);
  } else {
    host = bagString(ctx, DYNAMIC_BACKEND_HOST_KEY) || host;
    scheme = bagString(ctx, DYNAMIC_BACKEND_SCHEME_KEY) || scheme;
  }
  ctx.dynamicBackendUrl = `${scheme}://${host}`;
}

type Kind = 'url' | 'host' | 'scheme';

function apply(ctx: FilterContext, kind: Kind, value: string): void {
  if (kind === 'url') {
    ctx.stateBag.set(DYNAMIC_BACKEND_URL_KEY, value);
    const parsed = schemeAndHost(value);
    if (parsed !== null) ctx.outgoingHost = parsed.host;
  } else if (kind === 'host') {
    ctx.stateBag.set(DYNAMIC_BACKEND_HOST_KEY, value);
    ctx.outgoingHost = value;
  } else {
    ctx.stateBag.set(DYNAMIC_BACKEND_SCHEME_KEY, value);
  }
  resolve(ctx);
}

function validate(name: string, kind: Kind, value: string): void {
  const ok = kind === 'url' ? schemeAndHost(value) !== null
    : kind === 'host' ? /^[^/?#@\s]+$/.test(value)
    : /^https?$/i.test(value);
  if (!ok) {
    const want = kind === 'url' ? 'an absolute URL such as "https://example.org"'
      : kind === 'host' ? 'a host[:port]' : '"http" or "https"';
    throw new InvalidArgsError(`${name}: ${JSON.stringify(value)} is not ${want}`);
  }
}

function fixedSpec(name: string, kind: Kind): FilterSpec {
  return {
    name,
    create(args: Arg[]): FilterInstance {
      argCount(name, args, 1);
      const raw = stringArg(name, args, 0, kind);
      validate(name, kind, raw);
      const value = kind === 'scheme' ? raw.toLowerCase() : raw;
      return { name, request: (ctx) => apply(ctx, kind, value) };
    },
  };
}

function fromHeaderSpec(name: string, kind: Kind): FilterSpec {
  return {
    name,
    create(args: Arg[]): FilterInstance {
      argCount(name, args, 1);
      const header = headerNameArg(name, args, 0);
      return {
        name,
        request(ctx: FilterContext): void {
          const v = getFirst(ctx.request.headers, header);
          if (v !== '') apply(ctx, kind, v);
        },
      };
    },
  };
}

export const setDynamicBackendUrl = fixedSpec('setDynamicBackendUrl', 'url');
export const setDynamicBackendHost = fixedSpec('setDynamicBackendHost', 'host');
export const setDynamicBackendScheme = fixedSpec('setDynamicBackendScheme', 'scheme');
export const setDynamicBackendUrlFromHeader = fromHeaderSpec('setDynamicBackendUrlFromHeader', 'url');
export const setDynamicBackendHostFromHeader = fromHeaderSpec('setDynamicBackendHostFromHeader', 'host');
export const setDynamicBackendSchemeFromHeader = fromHeaderSpec('setDynamicBackendSchemeFromHeader', 'scheme');
