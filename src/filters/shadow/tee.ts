/**
 * tee(url, [regexp, replacement]) / teenf(…): send a copy of the request to a shadow backend and ignore
 * its response (Skipper's "shadow traffic"). Only the scheme and host of `url` are used; the path is the
 * request's, optionally rewritten like modPath. tee follows redirects, teenf does not.
 *
 * The copy never slows the main request: its body is split off with bounded buffering and the shadow is
 * dropped when it falls behind; the shadow request has its own timeout (Skipper's default: 1 s) and any
 * failure is only logged.
 */
import type { Readable } from 'node:stream';
import { request } from 'undici';
import type { Dispatcher } from 'undici';
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import { connectionTokens, HOP_BY_HOP_HEADERS, type HeaderBag, type HttpClients } from '../../net/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount, goReplacement, regexpArg, stringArg } from '../args.ts';
import { splitBody } from '../streams.ts';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) plus the non-standard ones Skipper's tee also drops, and Expect:
 * the client's 100-continue handshake is with us, not with the shadow (undici refuses to send it).
 */
const HOP_BY_HOP: ReadonlySet<string> = new Set([...HOP_BY_HOP_HEADERS, 'expect']);

export interface TeeOptions {
  /** Follow redirects from the shadow backend (tee) or not (teenf). */
  followRedirects: boolean;
  /** Time limit for the whole shadow exchange. */
  timeoutMs: number;
  /** How far the shadow body may fall behind the main body before the shadow is dropped. */
  maxBufferedBytes: number;
  /** The client to send with; defaults to the process's shared clients (`clients`). */
  dispatcher?: Dispatcher;
  /** The shared outgoing clients, owned by the process role as a service. */
  clients: HttpClients;
  /** Called when a shadow exchange ends, with the error if it failed (metrics, tests). */
  onDone?: (err: Error | null) => void;
}

export const DEFAULT_TEE_OPTIONS: Readonly<Omit<TeeOptions, 'clients'>> = { followRedirects: true, timeoutMs: 1000, maxBufferedBytes: 256 * 1024 };


/** The request headers for the shadow: hop-by-hop fields and those named in Connection removed. */
function shadowHeaders(headers: HeaderBag, host: string): Record<string, string | string[]> {
  const named = connectionTokens(headers);
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || HOP_BY_HOP.has(k) || named?.has(k) === true) continue;
    out[k] = typeof v === 'string' ? v : [...v];
  }
  out['host'] = host;
  return out;
}

function shadowTarget(name: string, arg: string): URL {
  let u: URL;
  try {
    u = new URL(arg);
  } catch {
    throw new InvalidArgsError(`${name}: invalid shadow backend URL ${JSON.stringify(arg)}`);
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.host === '') {
    throw new InvalidArgsError(`${name}: shadow backend must be an http or https URL with a host, got ${JSON.stringify(arg)}`);
  }
  return u;
}

/** A tee spec under `name` with the given options (tee and teenf are two of these). */
export function teeSpec(name: string, options: Partial<TeeOptions> & Pick<TeeOptions, 'clients'>): FilterSpec {
  const opts: TeeOptions = { ...DEFAULT_TEE_OPTIONS, ...options };
  return {
    name,
    create(args: Arg[]): FilterInstance {
      argCount(name, args, 1, 3);
      if (args.length === 2) throw new InvalidArgsError(`${name}: a path regexp needs its replacement (expected 1 or 3 arguments)`);
      const target = shadowTarget(name, stringArg(name, args, 0, 'shadow backend URL'));
      const origin = target.origin;
      const host = target.host;
      let rewrite: ((path: string) => string) | null = null;
      if (args.length === 3) {
        const rx = regexpArg(name, args, 1, true);
        const replace = goReplacement(stringArg(name, args, 2, 'replacement'));
        rewrite = (path) => path.replace(rx, replace);
      }
      return {
        name,
        request(ctx: FilterContext): void {
          const req = ctx.request;
          let body: Readable | null = null;
          if (req.body !== null) {
            const split = splitBody(req.body, opts.maxBufferedBytes);
            req.body = split.main;
            body = split.shadow;
          }
          const path = rewrite === null ? req.path : rewrite(req.path);
          const url = origin + path + (req.rawQuery === '' ? '' : `?${req.rawQuery}`);
          const sent = request(url, {
            method: req.method as Dispatcher.HttpMethod,
            headers: shadowHeaders(req.headers, host),
            body,
            dispatcher: opts.dispatcher ?? opts.clients.client(opts.followRedirects),
            signal: AbortSignal.timeout(opts.timeoutMs),
          });
          sent.then(
            async (res) => {
              await res.body.dump();
              opts.onDone?.(null);
            },
          ).catch((e: unknown) => {
            const err = e instanceof Error ? e : new Error(String(e));
            body?.destroy();
            ctx.log('warn', `${name}: shadow request to ${url} failed: ${err.message}`);
            opts.onDone?.(err);
          });
        },
      };
    },
  };
}

/** `tee(url, [regexp, replacement])` (following redirects) and `teenf(…)` (not following), sending with `clients`. */
export function teeSpecs(clients: HttpClients): FilterSpec[] {
  return [teeSpec('tee', { clients }), teeSpec('teenf', { followRedirects: false, clients })];
}
