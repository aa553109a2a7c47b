/**
 * The JWTPayload… predicate family: match string claims of the (unverified) JWT in the
 * `Authorization: Bearer` header. "Any" needs one listed key/value to match, "All" needs every one.
 * Exact forms compare strings, Regexp forms test RE2 expressions. Matching never verifies the signature:
 * these predicates route, they do not authenticate.
 */
import type { PredicateSpec, RoutingRequest } from '../routing/types.ts';
import { InvalidArgsError } from '../errors.ts';
import { stringArg } from './args.ts';
import { compileRegexp } from '../regexp/index.ts';
import { firstHeader } from './request-values.ts';

type Claims = Record<string, unknown>;

/** Builds one spec of the family. */
export function jwtPayloadSpec(name: string, all: boolean, regexp: boolean): PredicateSpec {
  return {
    name,
    create(args) {
      if (args.length === 0 || args.length % 2 !== 0) throw new InvalidArgsError(`${name}: expected key/value pairs, got ${args.length} argument(s)`);
      const kv = new Map<string, ((v: string) => boolean)[]>();
      for (let i = 0; i < args.length; i += 2) {
        const key = stringArg(name, args, i);
        const value = stringArg(name, args, i + 1);
        let test: (v: string) => boolean;
        if (regexp) {
          const rx = compileRegexp(name, value);
          test = (v) => rx.test(v);
        } else {
          test = (v) => v === value;
        }
        const list = kv.get(key);
        if (list === undefined) kv.set(key, [test]);
        else list.push(test);
      }
      return {
        match(req: RoutingRequest) {
          const claims = claimsOf(req);
          if (claims === null) return false;
          return all ? allMatch(kv, claims) : anyMatch(kv, claims);
        },
      };
    },
  };
}

function allMatch(kv: Map<string, ((v: string) => boolean)[]>, claims: Claims): boolean {
  for (const [key, tests] of kv) {
    const v = claims[key];
    if (typeof v !== 'string') return false;
    for (const t of tests) if (!t(v)) return false;
  }
  return true;
}

function anyMatch(kv: Map<string, ((v: string) => boolean)[]>, claims: Claims): boolean {
  for (const [key, tests] of kv) {
    const v = claims[key];
    if (typeof v !== 'string') continue;
    for (const t of tests) if (t(v)) return true;
  }
  return false;
}

// One parse per request however many routes look at the token.
const parsed = new WeakMap<RoutingRequest, Claims | null>();

function claimsOf(req: RoutingRequest): Claims | null {
  const hit = parsed.get(req);
  if (hit !== undefined) return hit;
  const claims = parseBearer(firstHeader(req, 'authorization'));
  parsed.set(req, claims);
  return claims;
}

/** The payload of a three-part JWT in a "Bearer " authorization value, or null when there is none. */
export function parseBearer(auth: string | undefined): Claims | null {
  if (auth === undefined || !auth.startsWith('Bearer ')) return null;
  const parts = auth.slice(7).split('.');
  if (parts.length !== 3) return null;
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
    const payload: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    if (!isObject(header) || !isObject(payload)) return null;
    return payload;
  } catch {
    return null;
  }
}

function isObject(v: unknown): v is Claims {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
