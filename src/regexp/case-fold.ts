/**
 * Rewrites a case-insensitive JavaScript pattern (non-Unicode mode) into an equivalent case-sensitive one:
 * `a` becomes `[aA]`, `[a-f]` becomes `[a-fA-F]`. V8's linear-time fallback for runaway backtracking (see
 * src/cmd/skipjack.ts) does not run patterns with the `i` flag; without it, `(?i)` route expressions are
 * covered too. Exactly equivalent because, without the `u` flag, JavaScript folds case only between ASCII
 * letters (ECMA-262 Canonicalize: a character never folds across the 128 boundary), and every other character
 * is kept. Patterns it cannot rewrite that way (non-ASCII characters, `\x`/`\u`/`\c`/`\p` escapes, scoped
 * s or m modifiers) give null, and the caller keeps the `i` flag or the `(?i:…)` group.
 */

const isUpper = (c: number): boolean => c >= 65 && c <= 90;
const isLower = (c: number): boolean => c >= 97 && c <= 122;

/** Escapes whose letter is not a literal (class escapes, control escapes). */
const CONTROL: Readonly<Record<string, number>> = { n: 10, t: 9, r: 13, f: 12, v: 11, '0': 0 };

/** The JavaScript source of one character inside a class. */
function classChar(c: number): string {
  const ch = String.fromCharCode(c);
  return /[\\\]^-]/.test(ch) ? `\\${ch}` : ch;
}

/** Counterparts of the letters in [lo, hi] under the other case, as class source. */
function foldedRange(lo: number, hi: number): string {
  let out = '';
  const add = (from: number, to: number, shift: number): void => {
    const a = Math.max(lo, from);
    const b = Math.min(hi, to);
    if (a > b) return;
    out += a === b ? classChar(a + shift) : `${classChar(a + shift)}-${classChar(b + shift)}`;
  };
  add(97, 122, -32);
  add(65, 90, 32);
  return out;
}

/**
 * The rewritten source, or null when the pattern has something this does not handle. `ci` says whether the
 * pattern starts case-insensitive (the i flag); scoped `(?i:…)` and `(?-i:…)` groups switch it for their
 * content and become plain `(?:…)` groups.
 */
export function foldAsciiCase(source: string, ci = true): string | null {
  if (/[^\x00-\x7f]|\\[xucpPk]/.test(source)) return null;
  let out = '';
  const stack: boolean[] = [];
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      out += c + (source[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '(') {
      stack.push(ci);
      if (source.startsWith('(?<', i) && !source.startsWith('(?<=', i) && !source.startsWith('(?<!', i)) {
        // A named group: its name is not text to match.
        const end = source.indexOf('>', i);
        if (end === -1) return null;
        out += source.slice(i, end + 1);
        i = end;
        continue;
      }
      const mod = /^\(\?(-?)([a-z]+):/.exec(source.slice(i, i + 8));
      if (mod !== null) {
        // Only the case flag can be spelled out; a scoped s or m flag stays a modifier, which this leaves alone.
        if (mod[2] !== 'i') return null;
        ci = mod[1] === '';
        out += '(?:';
        i += mod[0].length - 1;
        continue;
      }
      out += c;
      continue;
    }
    if (c === ')') {
      ci = stack.pop() ?? ci;
      out += c;
      continue;
    }
    if (c === '[') {
      const end = foldClass(source, i, ci);
      if (end === null) return null;
      out += end.text;
      i = end.last;
      continue;
    }
    const code = c.charCodeAt(0);
    if (ci && (isLower(code) || isUpper(code))) out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
    else out += c;
  }
  return out;
}

/** Rewrites the class starting at source[start] ('['); `last` is the index of its closing ']'. */
function foldClass(source: string, start: number, ci: boolean): { text: string; last: number } | null {
  let i = start + 1;
  let head = '[';
  if (source[i] === '^') {
    head += '^';
    i++;
  }
  let body = '';
  let extra = '';
  /** One class atom at i: a character code, or -1 for a class escape such as \w (no range, no case). */
  const atom = (): { code: number; text: string } | null => {
    const c = source[i];
    if (c === undefined) return null;
    if (c !== '\\') {
      i++;
      return { code: c.charCodeAt(0), text: c };
    }
    const n = source[i + 1];
    if (n === undefined) return null;
    i += 2;
    if (/[wWdDsS]/.test(n)) return { code: -1, text: `\\${n}` };
    if (n === 'b') return { code: 8, text: '\\b' };
    const control = CONTROL[n];
    if (control !== undefined) return { code: control, text: `\\${n}` };
    if (/[A-Za-z1-9]/.test(n)) return null; // an escape this rewrite does not know
    return { code: n.charCodeAt(0), text: `\\${n}` };
  };
  for (;;) {
    if (i >= source.length) return null;
    if (source[i] === ']') break;
    const a = atom();
    if (a === null) return null;
    if (source[i] === '-' && source[i + 1] !== ']' && i + 1 < source.length && a.code !== -1) {
      i++;
      const b = atom();
      if (b === null || b.code === -1) return null;
      body += `${a.text}-${b.text}`;
      extra += foldedRange(a.code, b.code);
      continue;
    }
    body += a.text;
    if (a.code !== -1) extra += foldedRange(a.code, a.code);
  }
  return { text: `${head}${body}${ci ? extra : ''}]`, last: i };
}
