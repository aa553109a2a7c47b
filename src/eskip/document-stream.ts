/**
 * Parses an eskip document as it arrives (a -routes-urls body), without ever holding the whole text: the
 * input is cut after each top-level `;` (outside strings, regexps and comments, by the lexer's rules) and
 * the completed segments are parsed with parseDocument, carrying the line count so positions and errors
 * name the same line:col as a whole-document parse. Routes end at `;`, and parse recovery resumes at the
 * next `;`, so cutting there changes neither what parses nor which route an error is charged to. Each
 * character is scanned once by the splitter and once by the parser: linear in the input.
 */
import { parseDocument, type DocumentParse } from './parse.ts';
import { ParseTables } from './tables.ts';
import type { RouteDef } from './ast.ts';
import type { EskipParseError } from './lexer.ts';

/** Text gathered before a segment is parsed: amortises the per-parse set-up, bounds the held text. */
const SEGMENT_CHARS = 256 * 1024;

/** Where the splitter is: top level, inside a string (its delimiter), a regexp, a comment. */
type Mode = 'top' | 'slash' | '"' | '`' | 'regexp' | 'class' | 'comment';

export class DocumentStream {
  readonly #file: string | undefined;
  readonly #maxErrors: number;
  #pending = '';
  #scanned = 0;
  #cut = 0;
  #mode: Mode = 'top';
  #escaped = false;
  #line = 1;
  /** Characters seen; tells an empty document from one with only a comment. */
  chars = 0;
  /** Shared by the segments: equal strings and calls are one object across the document. */
  readonly #tables = new ParseTables(SEGMENT_CHARS);
  readonly routes: RouteDef[] = [];
  readonly errors: EskipParseError[] = [];

  constructor(options: { file?: string; maxErrors?: number } = {}) {
    this.#file = options.file;
    this.#maxErrors = options.maxErrors ?? 1000;
  }

  /** Feeds the next piece of text; parses whatever complete routes have gathered past the segment size. */
  push(text: string): void {
    this.chars += text.length;
    this.#pending += text;
    this.#scan();
    if (this.#cut >= SEGMENT_CHARS) this.#flush(this.#cut);
  }

  /** Parses the rest; the document is complete. */
  end(): DocumentParse {
    this.#flush(this.#pending.length);
    return { routes: this.routes, errors: this.errors };
  }

  #scan(): void {
    const s = this.#pending;
    let mode = this.#mode;
    let escaped = this.#escaped;
    for (let i = this.#scanned; i < s.length; i++) {
      const c = s[i];
      switch (mode) {
        case 'top':
          if (c === ';') this.#cut = i + 1;
          else if (c === '"' || c === '`') mode = c;
          else if (c === '/') mode = 'slash';
          break;
        case 'slash':
          if (c === '/') mode = 'comment';
          else {
            mode = 'regexp';
            i--; // this character is the regexp's first
          }
          break;
        case 'comment':
          if (c === '\n') mode = 'top';
          break;
        case '"':
        case '`':
          if (escaped) escaped = false;
          else if (c === '\\') escaped = true;
          else if (c === mode) mode = 'top';
          break;
        case 'regexp':
        case 'class':
          if (escaped) escaped = false;
          else if (c === '\\') escaped = true;
          else if (mode === 'regexp' && c === '[') mode = 'class';
          else if (mode === 'class' && c === ']') mode = 'regexp';
          else if (mode === 'regexp' && c === '/') mode = 'top';
          break;
      }
    }
    this.#scanned = s.length;
    this.#mode = mode;
    this.#escaped = escaped;
  }

  #flush(upTo: number): void {
    if (upTo === 0) return;
    const segment = this.#pending.slice(0, upTo);
    const { routes, errors } = parseDocument(segment, { file: this.#file, firstLine: this.#line, tables: this.#tables });
    for (const r of routes) this.routes.push(r);
    for (const e of errors) if (this.errors.length < this.#maxErrors) this.errors.push(e);
    for (let i = 0; i < segment.length; i++) if (segment.charCodeAt(i) === 10) this.#line++;
    this.#pending = this.#pending.slice(upTo);
    this.#scanned -= upTo;
    this.#cut = 0;
  }
}
