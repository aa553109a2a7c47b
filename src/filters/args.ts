/**
 * Argument checks for filter specs. Every helper throws InvalidArgsError naming the filter and the
 * offending argument, so an invalid route's reason tells the author what to fix.
 */
import { InvalidArgsError } from '../errors.ts';
import type { Arg } from '../eskip/index.ts';
import { parseDuration } from '../net/index.ts';
import { linearRegexp } from '../regexp/index.ts';

function show(a: Arg | undefined): string {
  return typeof a === 'string' ? JSON.stringify(a) : String(a);
}

/** Rejects argument lists shorter than `min` or longer than `max`. */
export function argCount(filter: string, args: readonly Arg[], min: number, max: number = min): void {
  if (args.length >= min && args.length <= max) return;
  const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
  throw new InvalidArgsError(`${filter}: expected ${want} argument${max === 1 ? '' : 's'}, got ${args.length}`);
}

/** The string argument at `i`. */
export function stringArg(filter: string, args: readonly Arg[], i: number, what = `argument ${i + 1}`): string {
  const a = args[i];
  if (typeof a !== 'string') throw new InvalidArgsError(`${filter}: ${what} must be a string, got ${show(a)}`);
  return a;
}

/** The number argument at `i` (eskip numbers are float64, as in Skipper). */
export function numberArg(filter: string, args: readonly Arg[], i: number, what = `argument ${i + 1}`): number {
  const a = args[i];
  if (typeof a !== 'number' || !Number.isFinite(a)) {
    throw new InvalidArgsError(`${filter}: ${what} must be a number, got ${show(a)}`);
  }
  return a;
}

/** An HTTP status code argument: an integer in [min, max]. */
export function statusArg(filter: string, args: readonly Arg[], i: number, min = 100, max = 599): number {
  const n = numberArg(filter, args, i, 'status code');
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InvalidArgsError(`${filter}: status code must be an integer from ${min} to ${max}, got ${n}`);
  }
  return n;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A header name argument, lower-cased for the header bags; must be an RFC 9110 token. */
export function headerNameArg(filter: string, args: readonly Arg[], i: number, what = 'header name'): string {
  const name = stringArg(filter, args, i, what);
  // Valid names lowercased once: a million header filters on a few names keep a few strings, not one each.
  let lower = headerNames.get(name);
  if (lower !== undefined) return lower;
  if (!TOKEN.test(name)) throw new InvalidArgsError(`${filter}: invalid ${what} ${JSON.stringify(name)}`);
  lower = name.toLowerCase();
  if (headerNames.size >= 10_000) headerNames.clear();
  headerNames.set(name, lower);
  return lower;
}

const headerNames = new Map<string, string>();

/** A Go duration string argument ("10ms", "1m30s"), in milliseconds. */
export function durationArg(filter: string, args: readonly Arg[], i: number, what = 'duration'): number {
  const s = stringArg(filter, args, i, what);
  try {
    return parseDuration(s);
  } catch {
    throw new InvalidArgsError(`${filter}: invalid ${what} ${JSON.stringify(s)} (expected e.g. "10s", "1m30s", "100ms")`);
  }
}

/** An RE2 expression argument compiled to a linear-time RegExp (linearRegexp); `global` for replace-all filters. */
export function regexpArg(filter: string, args: readonly Arg[], i: number, global = false): RegExp {
  const s = stringArg(filter, args, i, 'regular expression');
  try {
    return linearRegexp(s, global);
  } catch (e) {
    throw new InvalidArgsError(`${filter}: invalid regular expression ${JSON.stringify(s)}: ${(e as Error).message}`);
  }
}

/** One step of a compiled Go replacement template: a literal or a capture group reference. */
type ReplacementPart = string | { group: number | string };

/**
 * Compiles a Go `Regexp.Expand` replacement (`$1`, `${1}`, `$name`, `$$`) into a function for
 * String.replace. Go takes the longest run of word characters after `$` as the name, so `$1x` means the
 * group named "1x" (empty), not group 1 followed by "x"; unknown groups expand to "".
 */
export function goReplacement(template: string): (match: string, ...rest: unknown[]) => string {
  const parts: ReplacementPart[] = [];
  let lit = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$') { lit += c; continue; }
    if (template[i + 1] === '$') { lit += '$'; i++; continue; }
    let name: string | null = null;
    let end = i;
    if (template[i + 1] === '{') {
      const close = template.indexOf('}', i + 2);
      const inner = close === -1 ? '' : template.slice(i + 2, close);
      if (close !== -1 && /^\w+$/.test(inner)) { name = inner; end = close; }
    } else {
      const m = /^\w+/.exec(template.slice(i + 1));
      if (m !== null) { name = m[0]; end = i + m[0].length; }
    }
    if (name === null) { lit += '$'; continue; }
    if (lit !== '') { parts.push(lit); lit = ''; }
    parts.push({ group: /^\d+$/.test(name) ? Number(name) : name });
    i = end;
  }
  if (lit !== '') parts.push(lit);
  if (parts.every((p) => typeof p === 'string')) {
    const constant = parts.join('');
    return () => constant;
  }
  return (match: string, ...rest: unknown[]): string => {
    // String.replace passes groups..., offset, input[, namedGroups].
    const last = rest[rest.length - 1];
    const named = typeof last === 'object' && last !== null ? (last as Record<string, string | undefined>) : undefined;
    const groupCount = rest.length - (named === undefined ? 2 : 3);
    let out = '';
    for (const p of parts) {
      if (typeof p === 'string') { out += p; continue; }
      const g = p.group;
      if (typeof g === 'number') {
        if (g === 0) out += match;
        else if (g <= groupCount) out += (rest[g - 1] as string | undefined) ?? '';
      } else {
        out += named?.[g] ?? '';
      }
    }
    return out;
  };
}
