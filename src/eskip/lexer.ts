/**
 * The eskip tokenizer. Token rules follow Skipper's lexer: numbers are float64 without sign or exponent,
 * strings use `"` or backtick with Go-like escapes (\a \b \f \n \r \t \v, the delimiter and backslash; any other
 * escaped character keeps its backslash), regexps `/…/` may contain `/` inside `[…]` classes, `//` starts a
 * comment to the end of the line.
 */
import { SkipjackError } from '../errors.ts';
import { StringTable, own, step } from './strings.ts';

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

/**
 * An EskipParseError without a stack trace: its message names file:line:col, which is what a reader needs,
 * and capturing the parser's stack cost ≈ 50 µs per error, which a file of a million broken routes paid a
 * million times (recovery throws one error per broken route, listed or not).
 */
export function parseError(reason: string, line: number, col: number, file: string | undefined): EskipParseError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new EskipParseError(reason, line, col, file);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

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
  /** The first newline at or after #offset (-1: none, -2: not searched yet). */
  #nl = -2;
  /** Characters scanned so far: a work counter, which tests use to prove the document pass linear. */
  scanned = 0;
  /** The answer of the last seek(). */
  line = 0;
  col = 0;

  /** `firstLine`: the line number of the text's first line, for a document parsed in segments. */
  constructor(src: string, firstLine = 1) {
    this.#src = src;
    this.#firstLine = firstLine;
    this.#line = firstLine;
  }

  /** Sets `line` and `col` to the position of `offset` (no object per query: one is asked for every route). */
  seek(offset: number): void {
    const src = this.#src;
    if (offset < this.#offset) {
      this.#offset = 0;
      this.#line = this.#firstLine;
      this.#lineStart = 0;
      this.#nl = -2;
    }
    if (this.#nl === -2) this.#nl = src.indexOf('\n', this.#offset);
    const end = Math.min(offset, src.length);
    let line = this.#line;
    let lineStart = this.#lineStart;
    // indexOf runs over the text far faster than a loop over character codes; the next newline is kept, so
    // each stretch of text is searched once however many queries fall into one line.
    let nl = this.#nl;
    while (nl !== -1 && nl < end) {
      line++;
      lineStart = nl + 1;
      nl = src.indexOf('\n', nl + 1);
    }
    this.#nl = nl;
    this.#line = line;
    this.#lineStart = lineStart;
    if (end > this.#offset) {
      this.scanned += end - this.#offset;
      this.#offset = end;
    }
    this.line = line;
    this.col = offset - lineStart + 1;
  }

  at(offset: number): { line: number; col: number } {
    this.seek(offset);
    return { line: this.line, col: this.col };
  }
}

/** Converts one offset to 1-based line:col (a fresh scan; use LineIndex for many). */
export function lineCol(src: string, offset: number): { line: number; col: number } {
  return new LineIndex(src).at(offset);
}

/**
 * A pull tokenizer: one token at a time, so a document never exists as a token array (10 MB of ";" would be
 * ten million token objects). Names and literals without escapes are hashed as they are scanned and come
 * from a StringTable: a token seen before costs no allocation. Literals with escapes are built in runs
 * between the escapes, never a character at a time.
 */
export class Lexer {
  readonly #src: string;
  readonly #file: string | undefined;
  readonly #lines: LineIndex;
  readonly #strings: StringTable;
  #i = 0;
  /** Characters scanned inside literals: a work counter for the linearity test. */
  searched = 0;

  constructor(src: string, file: string | undefined, lines: LineIndex = new LineIndex(src), strings: StringTable = new StringTable()) {
    this.#src = src;
    this.#file = file;
    this.#lines = lines;
    this.#strings = strings;
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
    this.#lines.seek(at);
    this.#i = rest ? this.#src.length : at;
    throw parseError(reason, this.#lines.line, this.#lines.col, this.#file);
  }

  /** The kind of the token `read` read last. */
  kind: TokenKind = 'eof';
  /** Its decoded value for strings, regexps, symbols and numbers; the source text otherwise. */
  value = '';
  /** Its offset in the source. */
  start = 0;
  /** For names, strings and regexps: the value's hash (StringTable.lastHash), equal for equal values. */
  hash = 0;

  /** The next token; `eof` at the end (again on every later call). Throws EskipParseError on bad input. */
  next(): Token {
    const kind = this.read();
    return { kind, value: this.value, offset: this.start };
  }

  #set(kind: TokenKind, value: string, start: number, end: number): TokenKind {
    this.kind = kind;
    this.value = value;
    this.start = start;
    this.#i = end;
    return kind;
  }

  /**
   * Reads the next token into `kind`, `value` and `start` and returns its kind: the parser's way, which makes
   * no object per token (a million-route file has forty million tokens). Throws EskipParseError on bad input.
   */
  read(): TokenKind {
    const src = this.#src;
    const n = src.length;
    let i = this.#i;
    let c = 0;
    for (;;) {
      if (i >= n) return this.#set('eof', '', n, n);
      c = src.charCodeAt(i);
      // Go's unicode.IsSpace for Latin-1: \t \n \v \f \r, space, U+0085, U+00A0.
      if (c === 32 || (c >= 9 && c <= 13) || c === 0x85 || c === 0xa0) {
        i++;
        continue;
      }
      if (c === 47 && src.charCodeAt(i + 1) === 47) {
        const nl = src.indexOf('\n', i);
        i = nl === -1 ? n : nl;
        continue;
      }
      break;
    }
    this.#i = i;
    const start = i;
    switch (c) {
      case 44: return this.#set('comma', ',', start, i + 1);
      case 41: return this.#set('closeparen', ')', start, i + 1);
      case 40: return this.#set('openparen', '(', start, i + 1);
      case 58: return this.#set('colon', ':', start, i + 1);
      case 59: return this.#set('semicolon', ';', start, i + 1);
      case 62: return this.#set('closearrow', '>', start, i + 1);
      case 42: return this.#set('any', '*', start, i + 1);
      case 38: // &
        if (src.charCodeAt(i + 1) !== 38) this.#fail('unexpected character "&", expected "&&"', start);
        return this.#set('and', '&&', start, i + 2);
      case 45: // -
        if (src.charCodeAt(i + 1) !== 62) this.#fail('unexpected character "-", expected "->"', start);
        return this.#set('arrow', '->', start, i + 2);
      case 60: // <
        if (src.startsWith('<shunt>', i)) return this.#set('shunt', '<shunt>', start, i + 7);
        if (src.startsWith('<loopback>', i)) return this.#set('loopback', '<loopback>', start, i + 10);
        if (src.startsWith('<dynamic>', i)) return this.#set('dynamic', '<dynamic>', start, i + 9);
        if (src.startsWith('<forward>', i)) return this.#set('forward', '<forward>', start, i + 9);
        return this.#set('openarrow', '<', start, i + 1);
      case 47: return this.#regexp(start);
      case 34:
      case 96: return this.#string(start, c);
    }
    if ((c >= 48 && c <= 57) || c === 46) {
      let seenDot = false;
      while (i < n) {
        const d = src.charCodeAt(i);
        if (d === 46) {
          if (seenDot) break;
          seenDot = true;
        } else if (!(d >= 48 && d <= 57)) break;
        i++;
      }
      const text = src.slice(start, i);
      if (text.endsWith('.')) this.#fail(`incomplete number "${text}"`, start);
      return this.#set('number', text, start, i);
    }
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) {
      let h = c;
      i++;
      while (i < n) {
        const d = src.charCodeAt(i);
        if (!isSymbolCode(d)) break;
        h = step(h, d);
        i++;
      }
      // A route id (a name right before ":") is unique: kept as a copy of its own rather than in the table,
      // which would grow by one slot per route (and stop in the middle of a parse to grow).
      if (src.charCodeAt(i) === 58) {
        this.hash = 0;
        return this.#set('symbol', own(src.slice(start, i)), start, i);
      }
      const v = this.#strings.slice(src, start, i, h);
      this.hash = this.#strings.lastHash;
      return this.#set('symbol', v, start, i);
    }
    return this.#fail(`unexpected character ${JSON.stringify(src[i])}`, start);
  }

  #regexp(start: number): TokenKind {
    const src = this.#src;
    const parts: string[] = [];
    let inGroup = false;
    let i = start + 1;
    let run = i;
    for (;;) {
      if (i >= src.length) this.#fail('unterminated regular expression', start, true);
      const d = src.charCodeAt(i);
      if (d === 92) { // \
        if (i + 1 >= src.length) this.#fail('unterminated regular expression', start, true);
        const e = src[i + 1]!;
        parts.push(src.slice(run, i), e === '/' || e === '\\' ? e : `\\${e}`);
        i += 2;
        run = i;
        continue;
      }
      if (d === 91 && !inGroup) inGroup = true; // [
      else if (d === 93 && inGroup) inGroup = false; // ]
      else if (d === 47 && !inGroup) break; // /
      i++;
    }
    this.searched += i - start;
    parts.push(src.slice(run, i));
    const v = this.#strings.intern(parts.join(''));
    this.hash = this.#strings.lastHash;
    return this.#set('regexp', v, start, i + 1);
  }

  /** A string literal delimited by `q` (the code of " or `), starting at `start`. */
  #string(start: number, q: number): TokenKind {
    const src = this.#src;
    const n = src.length;
    let i = start + 1;
    let h = 0;
    for (;;) {
      if (i >= n) {
        this.searched += i - start;
        this.#fail('unterminated string', start, true);
      }
      const d = src.charCodeAt(i);
      if (d === q) {
        this.searched += i - start;
        const v = this.#strings.slice(src, start + 1, i, h);
        this.hash = this.#strings.lastHash;
        return this.#set('string', v, start, i + 1);
      }
      if (d === 92) break;
      h = step(h, d);
      i++;
    }
    // Escapes: the value is built in runs between them.
    const quote = String.fromCharCode(q);
    const parts: string[] = [src.slice(start + 1, i)];
    let run = i;
    for (;;) {
      if (i >= n) {
        this.searched += i - start;
        this.#fail('unterminated string', start, true);
      }
      const d = src.charCodeAt(i);
      if (d === q) break;
      if (d !== 92) {
        i++;
        continue;
      }
      parts.push(src.slice(run, i));
      if (i + 1 >= n) {
        this.searched += i - start;
        this.#fail('unterminated string', start, true);
      }
      const e = src[i + 1]!;
      const mapped = ESCAPES[e];
      parts.push(mapped !== undefined ? mapped : e === quote || e === '\\' ? e : `\\${e}`);
      i += 2;
      run = i;
    }
    parts.push(src.slice(run, i));
    this.searched += i - start;
    const v = this.#strings.intern(parts.join(''));
    this.hash = this.#strings.lastHash;
    return this.#set('string', v, start, i + 1);
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
