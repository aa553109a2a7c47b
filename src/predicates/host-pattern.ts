/**
 * Recognises the Host expressions that name hostnames literally, such as the Kubernetes data client's
 * `^(example[.]org[.]?(:[0-9]+)?|www[.]example[.]org[.]?(:[0-9]+)?)$`. For those the route table can index
 * routes by hostname and the predicate needs no regular expression at all.
 */
import { hostKey } from '../routing/host-key.ts';

/** One hostname alternative: the literal, and whether a trailing dot and a port may follow. */
export interface HostLiteral {
  readonly host: string;
  readonly dot: boolean;
  readonly port: boolean;
}

const literalChar = /[A-Za-z0-9_-]/;

/** The hostname alternatives of `pattern`, or null when it is not of the literal form. */
export function hostLiterals(pattern: string): HostLiteral[] | null {
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.endsWith('\\$')) return null;
  let body = pattern.slice(1, -1);
  if (body.startsWith('(') && body.endsWith(')') && !body.startsWith('(?')) {
    body = body.slice(1, -1);
    // Only the outer group may hold the alternation: reject "(a)|(b)" which slicing would have mangled.
    if (!balanced(body)) return null;
  }
  const out: HostLiteral[] = [];
  for (const alt of splitTop(body)) {
    const lit = parseAlternative(alt);
    if (lit === null) return null;
    out.push(lit);
  }
  return out.length > 0 ? out : null;
}

function parseAlternative(alt: string): HostLiteral | null {
  let s = alt;
  let port = false;
  let dot = false;
  if (s.endsWith('(:[0-9]+)?')) {
    port = true;
    s = s.slice(0, -'(:[0-9]+)?'.length);
  }
  for (const d of ['[.]?', '\\.?']) {
    if (s.endsWith(d)) {
      dot = true;
      s = s.slice(0, -d.length);
      break;
    }
  }
  let host = '';
  for (let i = 0; i < s.length; i++) {
    if (s.startsWith('[.]', i)) { host += '.'; i += 2; continue; }
    if (s.startsWith('\\.', i)) { host += '.'; i += 1; continue; }
    const c = s[i]!;
    if (!literalChar.test(c)) return null;
    host += c;
  }
  // A literal ending in "." would make "host." ambiguous with the optional trailing dot.
  if (host === '' || host.endsWith('.')) return null;
  return { host, dot, port };
}

function splitTop(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') { i++; continue; }
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

function balanced(s: string): boolean {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') { i++; continue; }
    if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

export { hostKey };

/** Whether `host` is accepted by one of the literals, exactly as the regular expression would decide. */
export function matchLiterals(lits: readonly HostLiteral[], host: string): boolean {
  for (const l of lits) {
    if (!host.startsWith(l.host)) continue;
    let i = l.host.length;
    if (i === host.length) return true;
    if (l.dot && host.charCodeAt(i) === 46) i++;
    if (i === host.length) return true;
    if (!l.port || host.charCodeAt(i) !== 58 || i + 1 === host.length) continue;
    let j = i + 1;
    while (j < host.length && host.charCodeAt(j) >= 48 && host.charCodeAt(j) <= 57) j++;
    if (j === host.length) return true;
  }
  return false;
}
