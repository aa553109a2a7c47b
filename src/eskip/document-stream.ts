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

// Where the splitter is: top level, after one "/", inside a comment, a string (by its delimiter), a regexp
// or a regexp's character class. Numbers, compared as character codes: the scan reads every character.
const TOP = 0;
const SLASH = 1;
const COMMENT = 2;
const DQUOTE = 3;
const BACKTICK = 4;
const REGEXP = 5;
const CLASS = 6;

export class DocumentStream {
  readonly #file: string | undefined;
  readonly #maxErrors: number;
  #pending = '';
  #cut = 0;
  #mode = TOP;
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
    this.#scan(text, this.#pending.length);
    this.#pending += text;
    if (this.#cut >= SEGMENT_CHARS) this.#flush(this.#cut);
  }

  /** Parses the rest; the document is complete. */
  end(): DocumentParse {
    this.#flush(this.#pending.length);
    return { routes: this.routes, errors: this.errors };
  }

  /**
   * Scans the piece `s` that will start at offset `base` of the pending text, by character code: only the new
   * piece is read (the pending text is a concatenation that indexing would flatten on every push).
   */
  #scan(s: string, base: number): void {
    let mode = this.#mode;
    let escaped = this.#escaped;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      switch (mode) {
        case TOP:
          if (c === 59) this.#cut = base + i + 1; // ;
          else if (c === 34) mode = DQUOTE;
          else if (c === 96) mode = BACKTICK;
          else if (c === 47) mode = SLASH;
          break;
        case SLASH:
          if (c === 47) mode = COMMENT;
          else {
            mode = REGEXP;
            i--; // this character is the regexp's first
          }
          break;
        case COMMENT:
          if (c === 10) mode = TOP;
          break;
        case DQUOTE:
        case BACKTICK:
          if (escaped) escaped = false;
          else if (c === 92) escaped = true;
          else if (c === (mode === DQUOTE ? 34 : 96)) mode = TOP;
          break;
        case REGEXP:
        case CLASS:
          if (escaped) escaped = false;
          else if (c === 92) escaped = true;
          else if (mode === REGEXP && c === 91) mode = CLASS;
          else if (mode === CLASS && c === 93) mode = REGEXP;
          else if (mode === REGEXP && c === 47) mode = TOP;
          break;
      }
    }
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
    this.#cut = 0;
  }
}
