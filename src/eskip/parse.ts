/**
 * The eskip parser: documents (`id: route; …`), a single route expression without id, and the fragment forms
 * used in annotations (a predicate list alone, a filter chain alone). Arbitrary input either parses or throws
 * EskipParseError naming line, column and what was expected.
 */
import type { Arg, BackendType, FilterCall, LBEndpoint, PredicateCall, RouteDef, SourcePos } from './ast.ts';
import { EskipParseError, Lexer, LineIndex, parseError, type TokenKind } from './lexer.ts';
import { copyOf } from './copy-of.ts';
import { ParseTables, combine, hashNumber } from './tables.ts';
import { runSliced, runSync, type Steps } from '../lifecycle/index.ts';

export { EskipParseError } from './lexer.ts';

export interface ParseOptions {
  /** File name for error messages and route positions. */
  file?: string;
  /** Line number of the text's first line (default 1): the text is a later segment of a larger document. */
  firstLine?: number;
  /** What the parse keeps once (strings, calls, endpoint lists); pass the same tables to every piece of a document parsed in pieces. */
  tables?: ParseTables;
  /**
   * The text is a list of routes (`id: …;`) even where it does not start with an id, as a later piece of a
   * document is: what a whole-document parse would charge to a route is an error, never a route without id.
   */
  routesOnly?: boolean;
}

const TOKEN_TEXT: Record<TokenKind, string> = {
  and: '"&&"', any: '"*"', arrow: '"->"', openparen: '"("', closeparen: '")"', colon: '":"', comma: '","',
  semicolon: '";"', openarrow: '"<"', closearrow: '">"', shunt: '<shunt>', loopback: '<loopback>',
  dynamic: '<dynamic>', forward: '<forward>', number: 'a number', string: 'a string', regexp: 'a regexp',
  symbol: 'a name', eof: 'end of input',
};

/** Errors listed per document; a file of nothing but mistakes is not turned into millions of messages. */
const MAX_ERRORS = 1000;

const SIMPLE_BACKENDS: Partial<Record<TokenKind, BackendType>> = {
  shunt: 'shunt', loopback: 'loopback', dynamic: 'dynamic', forward: 'forward',
};

const anyCall: PredicateCall = Object.freeze({ name: '*', args: Object.freeze([]) as never[] });

/** Skipper rewrites a `*.` host wildcard into this regexp at parse time. */
const HOST_WILDCARD = '[a-z0-9]+((-[a-z0-9]+)?)*';

/** A document parsed route by route: what parsed, and one error per route that did not. */
export interface DocumentParse {
  routes: RouteDef[];
  errors: EskipParseError[];
}

/** A document checked route by route (checkDocument): how many routes parsed, and one error per route that did not. */
export interface DocumentCheck {
  routes: number;
  errors: EskipParseError[];
}

/** A list reused from route to route: `n` items of `items` count. */
class Scratch<T> {
  readonly items: T[] = [];
  n = 0;

  add(x: T): void {
    this.items[this.n++] = x;
  }

  /** The items as a list of their own, sized exactly. */
  take(): T[] {
    return copyOf(this.items, this.n);
  }
}

class Parser {
  readonly #src: string;
  readonly #file: string | undefined;
  readonly #lines: LineIndex;
  readonly #lexer: Lexer;
  // The current token and the one peeked at (kind null: none), as fields: no object per token.
  #k: TokenKind = 'any';
  #v = '';
  #o = 0;
  /** The value's hash (Lexer.hash). */
  #h = 0;
  #ak: TokenKind | null = null;
  #av = '';
  #ao = 0;
  #ah = 0;

  /** Whether the routes are listed; false for a check, which only counts them (DocumentParse.routes stays empty). */
  readonly #keep: boolean;
  /** Routes parsed (listed or not). */
  parsed = 0;

  constructor(src: string, o: ParseOptions = {}, keep = true) {
    const file = o.file;
    this.#keep = keep;
    const tables = o.tables ?? (keep ? new ParseTables(src.length) : ParseTables.discarding());
    this.#src = src;
    this.#file = file;
    this.#tables = tables;
    this.#routesOnly = o.routesOnly === true;
    this.#lines = new LineIndex(src, o.firstLine ?? 1);
    this.#lexer = new Lexer(src, file, this.#lines, tables.strings);
    try {
      this.#k = this.#lex();
      this.#v = this.#lexer.value;
      this.#o = this.#lexer.start;
      this.#h = this.#lexer.hash;
    } catch (e) {
      if (!(e instanceof EskipParseError)) throw e;
      // Raised by the entry points, which know whether to throw it or to recover.
      this.#firstError = e;
      this.#k = 'any';
      this.#v = '';
      this.#o = 0;
    }
  }

  #firstError: EskipParseError | null = null;
  readonly #tables: ParseTables;
  readonly #routesOnly: boolean;
  // Scratch lists, reused from route to route; a route gets exact-size copies. Never emptied by `length = 0`,
  // which gives up the backing store (the next push would allocate one per call): the count is kept aside.
  readonly #args = new Scratch<Arg>();
  readonly #filterList = new Scratch<FilterCall>();
  readonly #predicateList = new Scratch<PredicateCall>();
  readonly #endpointList = new Scratch<LBEndpoint>();
  readonly #endpointTexts = new Scratch<string>();
  readonly #endpointOffsets = new Scratch<number>();

  /** Throws the lexer's error on the first token, for the entry points that do not recover. */
  strict(): this {
    if (this.#firstError !== null) throw this.#firstError;
    return this;
  }

  /** Characters the position tracking scanned plus those the lexer searched ahead (a work counter). */
  get scanned(): number {
    return this.#lines.scanned + this.#lexer.searched;
  }

  #kind(): TokenKind {
    return this.#k;
  }

  /**
   * The next token from the lexer. A refused character is stepped over before the error propagates, so
   * that whoever recovers never meets the same error again (a retry would otherwise loop forever).
   */
  #lex(): TokenKind {
    try {
      return this.#lexer.read();
    } catch (e) {
      if (e instanceof EskipParseError) this.#lexer.skip(this.#lexer.offset + 1);
      throw e;
    }
  }

  /** The kind of the token after the current one. */
  #peek(): TokenKind {
    if (this.#ak === null) {
      this.#ak = this.#lex();
      this.#av = this.#lexer.value;
      this.#ao = this.#lexer.start;
      this.#ah = this.#lexer.hash;
    }
    return this.#ak;
  }

  #advance(): void {
    if (this.#ak !== null) {
      this.#k = this.#ak;
      this.#v = this.#av;
      this.#o = this.#ao;
      this.#h = this.#ah;
      this.#ak = null;
    } else {
      this.#k = this.#lex();
      this.#v = this.#lexer.value;
      this.#o = this.#lexer.start;
      this.#h = this.#lexer.hash;
    }
  }

  /** Throws an error at the token that starts at `offset`. */
  failAt(offset: number, reason: string): never {
    this.#lines.seek(offset);
    throw parseError(reason, this.#lines.line, this.#lines.col, this.#file);
  }

  #expected(what: string): never {
    const o = this.#o;
    const found = this.#k === 'eof' ? 'end of input' : JSON.stringify(this.#src.slice(o, o + 20).split('\n')[0]);
    return this.failAt(o, `expected ${what}, found ${found}`);
  }

  #take(kind: TokenKind): void {
    if (this.#k !== kind) this.#expected(TOKEN_TEXT[kind]);
    this.#advance();
  }

  /** Strict: the first error throws. */
  document(): RouteDef[] {
    const { routes, errors } = this.documentRecovering(false);
    if (errors.length > 0) throw errors[0]!;
    return routes;
  }

  /**
   * Parses route by route. With `recover`, a broken route is recorded and parsing resumes at the next
   * top-level ";" or at the next `id:`, so one mistake costs one route; without it the first error ends
   * the parse.
   */
  documentRecovering(recover: boolean): DocumentParse {
    return runSync(this.documentSteps(recover));
  }

  /** documentRecovering in steps: yields every few hundred routes (see parseDocumentSliced). */
  *documentSteps(recover: boolean): Steps<DocumentParse> {
    const routes: RouteDef[] = [];
    const errors: EskipParseError[] = [];
    if (this.#firstError !== null) {
      errors.push(this.#firstError);
      if (!recover) return { routes, errors };
      this.#resync();
    }
    const first = this.#k;
    const firstAt = this.#o;
    if (first === 'eof') return { routes, errors };
    let routesMode: boolean;
    try {
      routesMode = this.#routesOnly || first === 'semicolon' || (first === 'symbol' && this.#peek() === 'colon');
    } catch (e) {
      if (!(e instanceof EskipParseError)) throw e;
      // The lexer refused what follows the first token; the route loop meets the same error and recovers.
      routesMode = true;
    }
    if (!routesMode) {
      try {
        const r = this.route('', firstAt);
        this.#take('eof');
        this.parsed++;
        if (this.#keep) routes.push(r);
      } catch (e) {
        if (!(e instanceof EskipParseError)) throw e;
        errors.push(e);
      }
      return { routes, errors };
    }
    let needSep = false;
    let unlisted = 0;
    let count = 0;
    while (this.#kind() !== 'eof') {
      if (++count % 256 === 0) yield;
      let id: string | undefined;
      try {
        if (this.#kind() === 'semicolon') {
          this.#advance();
          needSep = false;
          continue;
        }
        if (needSep) this.#expected('";" between routes');
        if (this.#k !== 'symbol') this.#expected('a route id');
        const routeId = this.#v;
        const at = this.#o;
        id = routeId;
        this.#advance();
        this.#take('colon');
        const r = this.route(routeId, at);
        this.parsed++;
        if (this.#keep) routes.push(r);
        needSep = true;
      } catch (e) {
        if (!(e instanceof EskipParseError)) throw e;
        if (id !== undefined) e.routeId = id;
        if (errors.length < MAX_ERRORS) errors.push(e);
        else unlisted++;
        if (!recover) return { routes, errors };
        this.#resync();
        needSep = false;
      }
    }
    if (unlisted > 0) {
      this.#lines.seek(this.#src.length);
      errors.push(new EskipParseError(`${unlisted} more broken routes not listed`, this.#lines.line, this.#lines.col, this.#file));
    }
    return { routes, errors };
  }

  /** Skips to the next ";" or `id:` (a colon only ever follows a route id), past characters the lexer refused. */
  #resync(): void {
    for (;;) {
      const k = this.#kind();
      if (k === 'eof' || k === 'semicolon') return;
      try {
        if (k === 'symbol' && this.#peek() === 'colon') return;
        this.#advance();
      } catch (e) {
        if (!(e instanceof EskipParseError)) throw e;
        // The lexer refused a character (and #lex stepped over it); the placeholder is no resync point.
        this.#ak = null;
        this.#k = 'any';
        this.#v = '';
        this.#o = this.#lexer.offset;
      }
    }
  }

  /** The route after `id:`; `at` is the offset of its id (of the route itself when it has none). */
  route(id: string, at: number): RouteDef {
    const predicates = this.#predicatesInto(this.#predicateList);
    this.#legacy(predicates, id, at);
    this.#take('arrow');
    const filters = this.#filterList;
    filters.n = 0;
    while (this.#kind() === 'symbol') {
      filters.add(this.call());
      this.#take('arrow');
    }
    const lines = this.#lines;
    lines.seek(at);
    const pos: SourcePos = this.#file === undefined ? { line: lines.line, col: lines.col } : { file: this.#file, line: lines.line, col: lines.col };
    // One object shape per backend kind, every field set at once; lists sized exactly (push leaves spare room).
    // The lists are the route's own (data clients add to the lists of routes they parsed); the calls are shared.
    return this.backend(id, predicates.take(), filters.take(), pos);
  }

  predicates(): PredicateCall[] {
    return this.#predicatesInto(new Scratch()).take();
  }

  /** Reads a predicate list into `out` (emptied first). */
  #predicatesInto(out: Scratch<PredicateCall>): Scratch<PredicateCall> {
    out.n = 0;
    for (;;) {
      if (this.#kind() === 'any') {
        this.#advance();
        out.add(anyCall);
      } else if (this.#kind() === 'symbol') {
        out.add(this.call());
      } else {
        this.#expected('a predicate or "*"');
      }
      if (this.#kind() !== 'and') return out;
      this.#advance();
    }
  }

  filters(): FilterCall[] {
    const out: FilterCall[] = [];
    for (;;) {
      if (this.#kind() !== 'symbol') this.#expected('a filter');
      out.push(this.call());
      if (this.#kind() !== 'arrow') return out;
      this.#advance();
    }
  }

  call(): PredicateCall {
    if (this.#k !== 'symbol') this.#expected(TOKEN_TEXT.symbol);
    const name = this.#v;
    let h = this.#h;
    this.#advance();
    this.#take('openparen');
    const args = this.#args;
    args.n = 0;
    if (this.#kind() !== 'closeparen') {
      for (;;) {
        const k = this.#kind();
        if (k === 'number') {
          const x = Number.parseFloat(this.#v);
          args.add(x);
          h = combine(h, hashNumber(x));
        } else if (k === 'string' || k === 'regexp') {
          args.add(this.#v);
          h = combine(h, this.#h);
        } else this.#expected('an argument (string, regexp or number)');
        this.#advance();
        if (this.#kind() !== 'comma') break;
        this.#advance();
      }
    }
    this.#take('closeparen');
    return this.#tables.call(name, args.items, args.n, h);
  }

  backend(id: string, predicates: PredicateCall[], filters: FilterCall[], pos: SourcePos | undefined): RouteDef {
    const kind = this.#k;
    const type = SIMPLE_BACKENDS[kind];
    if (type !== undefined) {
      this.#advance();
      return { id, predicates, filters, backendType: type, pos };
    }
    if (kind === 'string') {
      const url = this.#v;
      this.#advance();
      return { id, predicates, filters, backendType: 'network', backend: url, pos };
    }
    if (kind !== 'openarrow') this.#expected('a filter or a backend (URL string, <shunt>, <loopback>, <dynamic>, <forward> or <…> load balancer)');
    this.#advance();
    let algorithm = '';
    let h = 1;
    if (this.#kind() === 'symbol') {
      algorithm = this.#v;
      h = this.#h;
      this.#advance();
      this.#take('comma');
    }
    // The endpoint texts are read first and the list looked up by them: routes of one service repeat one
    // list, which then costs one lookup instead of one per endpoint. A list not met before is checked
    // endpoint by endpoint; an endpoint is checked where the one-pass order checked it (right after the
    // token that follows it was read), so that a route with several mistakes reports the same one first.
    const texts = this.#endpointTexts;
    const offsets = this.#endpointOffsets;
    texts.n = 0;
    offsets.n = 0;
    let read = 0;
    try {
      for (;;) {
        if (this.#k !== 'string') this.#expected(TOKEN_TEXT.string);
        texts.add(this.#v);
        offsets.add(this.#o);
        h = combine(h, this.#h);
        this.#advance();
        read++;
        if (this.#kind() !== 'comma') break;
        this.#advance();
      }
      if (this.#kind() !== 'closearrow') this.#expected(TOKEN_TEXT.closearrow);
    } catch (e) {
      this.#checkEndpoints(read);
      throw e;
    }
    let list = this.#tables.knownEndpointList(algorithm, texts.items, texts.n, h);
    if (list === null) list = this.#tables.endpointList(algorithm, texts.items, this.#checkEndpoints(texts.n), texts.n, h);
    this.#advance();
    return { id, predicates, filters, backendType: 'lb', lbAlgorithm: algorithm, lbEndpoints: list, pos };
  }

  /** The first `n` endpoints read (#endpointTexts) parsed; throws at the first invalid URL or mixed scheme. */
  #checkEndpoints(n: number): LBEndpoint[] {
    const texts = this.#endpointTexts.items;
    const endpoints = this.#endpointList;
    endpoints.n = 0;
    let scheme = '';
    for (let i = 0; i < n; i++) {
      const text = texts[i]!;
      const at = this.#endpointOffsets.items[i]!;
      const ep = this.#tables.endpoint(text);
      if (ep === null) this.failAt(at, `invalid endpoint URL ${JSON.stringify(text)}`);
      if (scheme !== '' && ep.scheme !== scheme) this.failAt(at, 'load balanced endpoints cannot have mixed protocols');
      scheme = ep.scheme;
      endpoints.add(ep.endpoint);
    }
    return endpoints.items;
  }

  /** Skipper's parse-time checks of the predicates it keeps in legacy route fields; drops `*` and `Any()` from `preds` in place. */
  #legacy(list: Scratch<PredicateCall>, id: string, at: number): void {
    const preds = list.items;
    let path = false;
    let method = false;
    let w = 0;
    for (let i = 0; i < list.n; i++) {
      let p = preds[i]!;
      switch (p.name) {
        case '*':
        case 'Any':
          continue;
        case 'Path':
          if (path) this.failAt(at, `invalid route ${JSON.stringify(id)}: duplicate path tree predicate`);
          this.#strings(p, 1, id, at);
          path = true;
          break;
        case 'Method':
          if (method) this.failAt(at, `invalid route ${JSON.stringify(id)}: duplicate method predicate`);
          this.#strings(p, 1, id, at);
          method = true;
          break;
        case 'Host': {
          this.#strings(p, 1, id, at);
          const h = p.args[0] as string;
          if (h.startsWith('*.')) p = Object.freeze({ name: 'Host', args: Object.freeze([h.replace('*', HOST_WILDCARD)]) as Arg[] });
          break;
        }
        case 'PathRegexp':
          this.#strings(p, 1, id, at);
          break;
        case 'Header': {
          this.#strings(p, 2, id, at);
          const k = p.args[0] as string;
          for (let j = 0; j < w; j++) {
            if (preds[j]!.name === 'Header' && preds[j]!.args[0] === k) this.failAt(at, `invalid route ${JSON.stringify(id)}: duplicate header predicate: ${k}`);
          }
          break;
        }
        case 'HeaderRegexp':
          this.#strings(p, 2, id, at);
          break;
      }
      preds[w++] = p;
    }
    list.n = w;
  }

  /** Checks that `p` has `n` (1 or 2) string arguments. */
  #strings(p: PredicateCall, n: number, id: string, at: number): void {
    const a = p.args;
    if (a.length !== n || typeof a[0] !== 'string' || (n === 2 && typeof a[1] !== 'string')) {
      this.failAt(at, `invalid route ${JSON.stringify(id)}: ${p.name} predicate expects ${n === 1 ? '1 string argument' : `${n} string arguments`}`);
    }
  }

  end(): void {
    this.#take('eof');
  }

  get atEnd(): boolean {
    return this.#kind() === 'eof';
  }
}

/** Parses an eskip document, or a single route expression (whose id is then ""); the first error throws. */
export function parse(text: string, options: ParseOptions = {}): RouteDef[] {
  return new Parser(text, options).document();
}

/**
 * Parses an eskip document route by route: every route that parses is returned, every one that does not
 * gives one error (file:line:col, and the route id when it was read) and parsing resumes at the next ";" or
 * `id:`. This is what route sources use, so that one broken route never blocks the others.
 */
export function parseDocument(text: string, options: ParseOptions = {}): DocumentParse {
  return new Parser(text, options).documentRecovering(true);
}

/**
 * parseDocument without the routes: every route is parsed and checked as parseDocument does (same errors,
 * same positions) and then dropped, and nothing is interned, so a check of a million routes holds no more
 * than the text and the errors (`skipjack-eskip check`).
 */
export function checkDocument(text: string, options: ParseOptions = {}): DocumentCheck {
  const p = new Parser(text, options, false);
  const { errors } = p.documentRecovering(true);
  return { routes: p.parsed, errors };
}

/**
 * parseDocument in slices: returns to the event loop every `sliceMs` (default 10 ms), so a large routes
 * file does not stop the process serving while it is read. Same result as parseDocument.
 */
export function parseDocumentSliced(text: string, options: ParseOptions & { sliceMs?: number; onYield?: () => void } = {}): Promise<DocumentParse> {
  return runSliced(new Parser(text, options).documentSteps(true), options);
}

/**
 * parseDocument with a count of the characters its position tracking and literal search scanned, for the
 * linearity test: each of these is a forward-only pass, so the count stays within a small multiple of the
 * input, however many routes it holds.
 */
export function parseDocumentCounting(text: string): DocumentParse & { scanned: number } {
  const p = new Parser(text);
  return { ...p.documentRecovering(true), scanned: p.scanned };
}

/** Parses a predicate list such as an annotation's `Method("GET") && Header("X", "y")`; `*` is dropped. */
export function parsePredicates(text: string, options: ParseOptions = {}): PredicateCall[] {
  const p = new Parser(text, options).strict();
  if (p.atEnd) return [];
  const preds = p.predicates();
  p.end();
  return preds.filter((x) => x.name !== '*');
}

/** Parses a filter chain such as an annotation's `setPath("/") -> status(200)`. */
export function parseFilters(text: string, options: ParseOptions = {}): FilterCall[] {
  const p = new Parser(text, options).strict();
  if (p.atEnd) return [];
  const filters = p.filters();
  p.end();
  return filters;
}
