/**
 * Compiles the RE2 (Go `regexp`) expressions that eskip predicates take into JavaScript RegExps.
 * The syntaxes share their common core; this translates the RE2 forms JavaScript spells differently and
 * refuses the JavaScript-only forms RE2 rejects, so a route Skipper rejects is rejected here too.
 */
import { InvalidArgsError } from '../errors.ts';
import { foldAsciiCase } from './case-fold.ts';

const posixClasses: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-/:-@[-`{-~', space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

/** Translates an RE2 pattern into JavaScript source and flags; throws InvalidArgsError on RE2-invalid input. */
export function translateRe2(pattern: string): { source: string; flags: string } {
  let flags = '';
  let src = pattern;
  // RE2 allows leading flag groups such as (?i) or (?is); JavaScript takes flags outside the pattern.
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead !== null) {
    for (const f of lead[1]!) {
      if (f === 'U') throw new InvalidArgsError('ungreedy flag (?U) is not supported');
      if (!flags.includes(f)) flags += f;
    }
    src = src.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) throw new InvalidArgsError('trailing backslash at end of expression');
      if (n >= '1' && n <= '9') throw new InvalidArgsError('backreferences are not supported by RE2');
      // Without the m flag JavaScript's ^ and $ are exactly \A and \z; lookarounds only where they are not, as
      // V8's linear-time fallback for runaway backtracking (see src/cmd/skipjack.ts) does not run lookarounds.
      if (n === 'z' && !inClass) { out += flags.includes('m') ? '(?![\\s\\S])' : '$'; i++; continue; }
      if (n === 'A' && !inClass) { out += flags.includes('m') ? '(?<![\\s\\S])' : '^'; i++; continue; }
      if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = src.slice(i + 2, end === -1 ? src.length : end);
        out += lit.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end === -1 ? src.length : end + 1;
        continue;
      }
      out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const end = src.indexOf(':]', i + 2);
        const name = end === -1 ? '' : src.slice(i + 2, end);
        const neg = name.startsWith('^');
        const cls = posixClasses[neg ? name.slice(1) : name];
        if (cls === undefined) throw new InvalidArgsError(`invalid character class range: [:${name}:]`);
        if (neg) throw new InvalidArgsError(`negated POSIX class [:${name}:] is not supported`);
        out += cls;
        i = end + 1;
        continue;
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A leading ']' (or '^]') is a literal in RE2.
      if (src[i + 1] === '^') { out += '^'; i++; }
      if (src[i + 1] === ']') { out += '\\]'; i++; }
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      const rest = src.slice(i + 2);
      if (rest.startsWith('P<')) { out += '(?<'; i += 3; continue; }
      if (rest.startsWith(':') || /^<[A-Za-z_]/.test(rest)) { out += c; continue; }
      if (/^[=!]|^<[=!]/.test(rest)) throw new InvalidArgsError('lookaround assertions are not supported by RE2');
      const inner = /^([imsU-]+)([:)])/.exec(rest);
      // Scoped modifiers "(?i:…)" exist in both syntaxes; a bare "(?i)" inside the pattern has no JavaScript form.
      if (inner !== null && (inner[2] === ')' || inner[1]!.includes('U'))) {
        throw new InvalidArgsError(`flag group (?${inner[1]}${inner[2]} is only supported at the start`);
      }
    }
    out += c;
  }
  if (flags.includes('i') || /\(\?-?i:/.test(out)) {
    // Case spelled out instead of the i flag or (?i:…) groups, so that runaway matches can fall back to V8's
    // linear-time engine, which takes neither.
    const folded = foldAsciiCase(out, flags.includes('i'));
    if (folded !== null) return { source: folded, flags: flags.replace('i', '') };
  }
  return { source: out, flags };
}

/**
 * Compiles an RE2 pattern. `what` names the predicate for the error message. Compiled instances are shared
 * between routes within one process (RegExps without the g/y flags are stateless), as Skipper shares them
 * within a generation.
 */
export function compileRegexp(what: string, pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit !== undefined) return hit;
  let rx: RegExp;
  try {
    const { source, flags } = translateRe2(pattern);
    rx = new RegExp(source, flags);
  } catch (e) {
    throw new InvalidArgsError(`${what}: invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`);
  }
  if (cache.size >= cacheLimit) cache.clear();
  cache.set(pattern, rx);
  return rx;
}

// Bounded so that a long-running process with churning routes does not keep every pattern it ever saw.
const cacheLimit = 100_000;
const cache = new Map<string, RegExp>();
