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

function isSpace(c: string): boolean {
  return c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\v' || c === '\f' || c === '\x85' || c === '\xa0';
}

/** Converts offsets to 1-based line:col lazily, only when an error needs it. */
export function lineCol(src: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < src.length; i++) {
    if (src.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}

/** Splits eskip source into tokens; the last token is always `eof`. */
export function tokenize(src: string, file?: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const fail = (reason: string, at: number): never => {
    const { line, col } = lineCol(src, at);
    throw new EskipParseError(reason, line, col, file);
  };
  while (i < src.length) {
    const c = src[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    const simple = SIMPLE[c];
    if (simple !== undefined) {
      out.push({ kind: simple, value: c, offset: start });
      i++;
      continue;
    }
    if (c === '&') {
      if (src[i + 1] !== '&') fail('unexpected character "&", expected "&&"', start);
      out.push({ kind: 'and', value: '&&', offset: start });
      i += 2;
      continue;
    }
    if (c === '-') {
      if (src[i + 1] !== '>') fail('unexpected character "-", expected "->"', start);
      out.push({ kind: 'arrow', value: '->', offset: start });
      i += 2;
      continue;
    }
    if (c === '<') {
      const fixed = FIXED_ARROW.find(([text]) => src.startsWith(text, i));
      if (fixed) {
        out.push({ kind: fixed[1], value: fixed[0], offset: start });
        i += fixed[0].length;
      } else {
        out.push({ kind: 'openarrow', value: '<', offset: start });
        i++;
      }
      continue;
    }
    if (c === '/') {
      if (src[i + 1] === '/') {
        while (i < src.length && src[i] !== '\n') i++;
        continue;
      }
      let val = '';
      let inGroup = false;
      i++;
      for (;;) {
        if (i >= src.length) fail('unterminated regular expression', start);
        const d = src[i]!;
        if (d === '\\') {
          if (i + 1 >= src.length) fail('unterminated regular expression', start);
          const e = src[i + 1]!;
          val += e === '/' || e === '\\' ? e : '\\' + e;
          i += 2;
          continue;
        }
        if (d === '[' && !inGroup) inGroup = true;
        else if (d === ']' && inGroup) inGroup = false;
        else if (d === '/' && !inGroup) break;
        val += d;
        i++;
      }
      i++;
      out.push({ kind: 'regexp', value: val, offset: start });
      continue;
    }
    if (c === '"' || c === '`') {
      let val = '';
      i++;
      for (;;) {
        if (i >= src.length) fail('unterminated string', start);
        const d = src[i]!;
        if (d === c) break;
        if (d === '\\') {
          if (i + 1 >= src.length) fail('unterminated string', start);
          const e = src[i + 1]!;
          const mapped = ESCAPES[e];
          if (mapped !== undefined) val += mapped;
          else if (e === c || e === '\\') val += e;
          else val += '\\' + e;
          i += 2;
          continue;
        }
        val += d;
        i++;
      }
      i++;
      out.push({ kind: 'string', value: val, offset: start });
      continue;
    }
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
      if (text.endsWith('.')) fail(`incomplete number "${text}"`, start);
      out.push({ kind: 'number', value: text, offset: start });
      continue;
    }
    if (isAlpha(c) || c === '_') {
      while (i < src.length && isSymbolChar(src[i]!)) i++;
      out.push({ kind: 'symbol', value: src.slice(start, i), offset: start });
      continue;
    }
    fail(`unexpected character ${JSON.stringify(c)}`, start);
  }
  out.push({ kind: 'eof', value: '', offset: src.length });
  return out;
}
