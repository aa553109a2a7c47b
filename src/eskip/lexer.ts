/**
 * The eskip tokenizer. Token rules follow Skipper's lexer: numbers are float64 without sign or exponent,
 * strings use `"` or backtick with Go-like escapes (\a \b \f \n \r \t \v, the delimiter and backslash; any other
 * escaped character keeps its backslash), regexps `/…/` may contain `/` inside `[…]` classes, `//` starts a
 * comment to the end of the line.
 */
import { SkipjackError } from '../errors.ts';

export type TokenKind =
  | 'and' | 'any' | 'arrow' | 'openparen' | 'closeparen' | 'colon' | 'comma' | 'semicolon'
  | 'openarrow' | 'closearrow' | 'shunt' | 'loopback' | 'dynamic' | 'forward'
  | 'number' | 'string' | 'regexp' | 'symbol' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Decoded value for strings, regexps, symbols and numbers; the source text otherwise. */
  value: string;
  /** Offset of the first character in the source. */
  offset: number;
}

/** A parse error with the position (1-based line and column) of the offending token. */
export class EskipParseError extends SkipjackError {
  readonly file: string | undefined;
  readonly line: number;
  readonly col: number;
  /** The bare reason without position, e.g. `expected "->", found ";"`. */
  readonly reason: string;
  /** The id of the route the error is in, when the parser had read it. */
  routeId: string | undefined;
  constructor(reason: string, line: number, col: number, file?: string) {
    super('SKJ_ERR_ESKIP_PARSE', `${file ? `${file}:` : ''}${line}:${col}: ${reason}`);
    this.name = 'EskipParseError';
    this.reason = reason;
    this.line = line;
    this.col = col;
    this.file = file;
  }
}

const FIXED_ARROW: ReadonlyArray<[string, TokenKind]> = [
  ['<shunt>', 'shunt'],
  ['<loopback>', 'loopback'],
  ['<dynamic>', 'dynamic'],
  ['<forward>', 'forward'],
];

const SIMPLE: Record<string, TokenKind> = {
  ',': 'comma', ')': 'closeparen', '(': 'openparen', ':': 'colon', ';': 'semicolon', '>': 'closearrow', '*': 'any',
};

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isAlpha(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

function isSymbolChar(c: string): boolean {
  return isAlpha(c) || isDigit(c) || c === '_';
}


/** isSpace by character code: the hot loops do not make one-character strings. */
function isSpaceCode(c: number): boolean {
  return c === 32 || c === 10 || (c >= 9 && c <= 13) || c === 0x85 || c === 0xa0;
}

function isSymbolCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/**
 * Converts offsets to 1-based line:col. Queries usually come in increasing offset order (route after route),
 * so the index scans forward from the last answer and a whole document costs one pass; an earlier offset
 * restarts from the beginning.
 */
export class LineIndex {
  readonly #src: string;
  #offset = 0;
  readonly #firstLine: number;
  #line: number;
  #lineStart = 0;
  /** Characters scanned so far: a work counter, which tests use to prove the document pass linear. */
  scanned = 0;

  /** `firstLine`: the line number of the text's first line, for a document parsed in segments. */
  constructor(src: string, firstLine = 1) {
    this.#src = src;
    this.#firstLine = firstLine;
    this.#line = firstLine;
  }

  at(offset: number): { line: number; col: number } {
    if (offset < this.#offset) {
      this.#offset = 0;
      this.#line = this.#firstLine;
      this.#lineStart = 0;
    }
    const end = Math.min(offset, this.#src.length);
    for (let i = this.#offset; i < end; i++) {
      if (this.#src.charCodeAt(i) === 10) {
        this.#line++;
        this.#lineStart = i + 1;
      }
    }
    if (end > this.#offset) {
      this.scanned += end - this.#offset;
      this.#offset = end;
    }
    return { line: this.#line, col: offset - this.#lineStart + 1 };
  }
}

/** Converts one offset to 1-based line:col (a fresh scan; use LineIndex for many). */
export function lineCol(src: string, offset: number): { line: number; col: number } {
  return new LineIndex(src).at(offset);
}

/**
 * A pull tokenizer: one token at a time, so a document never exists as a token array (10 MB of ";" would be
 * ten million token objects). String and regexp bodies are sliced in runs between escapes, never built a
 * character at a time, so a long literal costs one copy.
 */
export class Lexer {
  readonly #src: string;
  readonly #file: string | undefined;
  readonly #lines: LineIndex;
  #i = 0;
  readonly #found = new Map<string, number>();
  /** Characters searched ahead for quotes and backslashes: a work counter for the linearity test. */
  searched = 0;

  constructor(src: string, file: string | undefined, lines: LineIndex = new LineIndex(src)) {
    this.#src = src;
    this.#file = file;
    this.#lines = lines;
  }

  /**
   * The offset of the next `ch` at or after `from`. The lexer only moves forward, so the answer is kept and
   * reused until `from` passes it: searching afresh for every string literal would rescan the rest of the
   * document each time (quadratic when, say, no backslash follows).
   */
  #next(ch: string, from: number): number {
    let at = this.#found.get(ch) ?? -2;
    if (at !== -1 && at < from) {
      at = this.#src.indexOf(ch, from);
      this.#found.set(ch, at);
      this.searched += (at === -1 ? this.#src.length : at) - from;
    }
    return at;
  }

  /** Where the next token will be read from. */
  get offset(): number {
    return this.#i;
  }

  /** Moves past a character the lexer refused, so that a caller recovering from an error can go on. */
  skip(to: number): void {
    this.#i = Math.max(this.#i, Math.min(to, this.#src.length));
  }

  /**
   * `rest` marks an unterminated literal: it runs to the end, so the lexer stays there rather than letting a
   * recovering caller rescan the rest from each following character (quadratic on hostile input).
   */
  #fail(reason: string, at: number, rest = false): never {
    const { line, col } = this.#lines.at(at);
    this.#i = rest ? this.#src.length : at;
    throw new EskipParseError(reason, line, col, this.#file);
  }

  /** The next token; `eof` at the end (again on every later call). Throws EskipParseError on bad input. */
  next(): Token {
    const src = this.#src;
    let i = this.#i;
    for (;;) {
      while (i < src.length && isSpaceCode(src.charCodeAt(i))) i++;
      if (src.charCodeAt(i) === 47 && src.charCodeAt(i + 1) === 47) {
        const nl = src.indexOf('\n', i);
        i = nl === -1 ? src.length : nl;
        continue;
      }
      break;
    }
    this.#i = i;
    if (i >= src.length) return { kind: 'eof', value: '', offset: src.length };
    const c = src[i]!;
    const start = i;
    const simple = SIMPLE[c];
    if (simple !== undefined) {
      this.#i = i + 1;
      return { kind: simple, value: c, offset: start };
    }
    if (c === '&') {
      if (src[i + 1] !== '&') this.#fail('unexpected character "&", expected "&&"', start);
      this.#i = i + 2;
      return { kind: 'and', value: '&&', offset: start };
    }
    if (c === '-') {
      if (src[i + 1] !== '>') this.#fail('unexpected character "-", expected "->"', start);
      this.#i = i + 2;
      return { kind: 'arrow', value: '->', offset: start };
    }
    if (c === '<') {
      const fixed = FIXED_ARROW.find(([text]) => src.startsWith(text, i));
      if (fixed) {
        this.#i = i + fixed[0].length;
        return { kind: fixed[1], value: fixed[0], offset: start };
      }
      this.#i = i + 1;
      return { kind: 'openarrow', value: '<', offset: start };
    }
    if (c === '/') return this.#regexp(start);
    if (c === '"' || c === '`') return this.#string(start, c);
    if (isDigit(c) || c === '.') {
      let seenDot = false;
      while (i < src.length) {
        const d = src[i]!;
        if (d === '.') {
          if (seenDot) break;
          seenDot = true;
        } else if (!isDigit(d)) break;
        i++;
      }
      const text = src.slice(start, i);
      if (text.endsWith('.')) this.#fail(`incomplete number "${text}"`, start);
      this.#i = i;
      return { kind: 'number', value: text, offset: start };
    }
    if (isAlpha(c) || c === '_') {
      while (i < src.length && isSymbolCode(src.charCodeAt(i))) i++;
      this.#i = i;
      return { kind: 'symbol', value: src.slice(start, i), offset: start };
    }
    return this.#fail(`unexpected character ${JSON.stringify(c)}`, start);
  }

  #regexp(start: number): Token {
    const src = this.#src;
    const parts: string[] = [];
    let inGroup = false;
    let i = start + 1;
    let run = i;
    for (;;) {
      if (i >= src.length) this.#fail('unterminated regular expression', start, true);
      const d = src[i]!;
      if (d === '\\') {
        if (i + 1 >= src.length) this.#fail('unterminated regular expression', start, true);
        const e = src[i + 1]!;
        parts.push(src.slice(run, i), e === '/' || e === '\\' ? e : `\\${e}`);
        i += 2;
        run = i;
        continue;
      }
      if (d === '[' && !inGroup) inGroup = true;
      else if (d === ']' && inGroup) inGroup = false;
      else if (d === '/' && !inGroup) break;
      i++;
    }
    parts.push(src.slice(run, i));
    this.#i = i + 1;
    return { kind: 'regexp', value: parts.join(''), offset: start };
  }

  #string(start: number, quote: string): Token {
    const src = this.#src;
    const parts: string[] = [];
    let i = start + 1;
    for (;;) {
      const q = this.#next(quote, i);
      const b = this.#next('\\', i);
      if (q === -1) this.#fail('unterminated string', start, true);
      if (b === -1 || q < b) {
        parts.push(src.slice(i, q));
        this.#i = q + 1;
        return { kind: 'string', value: parts.length === 1 ? parts[0]! : parts.join(''), offset: start };
      }
      parts.push(src.slice(i, b));
      const e = src[b + 1]!;
      const mapped = ESCAPES[e];
      parts.push(mapped !== undefined ? mapped : e === quote || e === '\\' ? e : `\\${e}`);
      i = b + 2;
    }
  }
}

/** Splits eskip source into tokens; the last token is always `eof`. */
export function tokenize(src: string, file?: string): Token[] {
  const lexer = new Lexer(src, file);
  const out: Token[] = [];
  for (;;) {
    const t = lexer.next();
    out.push(t);
    if (t.kind === 'eof') return out;
  }
}
