/**
 * The eskip parser: documents (`id: route; …`), a single route expression without id, and the fragment forms
 * used in annotations (a predicate list alone, a filter chain alone). Arbitrary input either parses or throws
 * EskipParseError naming line, column and what was expected.
 */
import type { Arg, BackendType, FilterCall, LBEndpoint, PredicateCall, RouteDef, SourcePos } from './ast.ts';
import { EskipParseError, Lexer, LineIndex, type Token, type TokenKind } from './lexer.ts';
import { runSliced, runSync, type Steps } from '../lifecycle/index.ts';

export { EskipParseError } from './lexer.ts';

export interface ParseOptions {
  /** File name for error messages and route positions. */
  file?: string;
  /** Line number of the text's first line (default 1): the text is a later segment of a larger document. */
  firstLine?: number;
}

const TOKEN_TEXT: Record<TokenKind, string> = {
  and: '"&&"', any: '"*"', arrow: '"->"', openparen: '"("', closeparen: '")"', colon: '":"', comma: '","',
  semicolon: '";"', openarrow: '"<"', closearrow: '">"', shunt: '<shunt>', loopback: '<loopback>',
  dynamic: '<dynamic>', forward: '<forward>', number: 'a number', string: 'a string', regexp: 'a regexp',
  symbol: 'a name', eof: 'end of input',
};

/** Errors listed per document; a file of nothing but mistakes is not turned into millions of messages. */
const MAX_ERRORS = 1000;

/** One step of the parser's call trie: the call ending here, and the next arguments. */
interface CallNode {
  call: PredicateCall | null;
  next: Map<Arg, CallNode> | null;
}

const SIMPLE_BACKENDS: Partial<Record<TokenKind, BackendType>> = {
  shunt: 'shunt', loopback: 'loopback', dynamic: 'dynamic', forward: 'forward',
};

const anyCall: PredicateCall = Object.freeze({ name: '*', args: Object.freeze([]) as never[] });

/**
 * A copy of `s` that does not keep a larger string alive (see Parser.#intern); strings under 13 characters
 * are copies already.
 */
function copy(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/** Skipper rewrites a `*.` host wildcard into this regexp at parse time. */
const HOST_WILDCARD = '[a-z0-9]+((-[a-z0-9]+)?)*';

/** A document parsed route by route: what parsed, and one error per route that did not. */
export interface DocumentParse {
  routes: RouteDef[];
  errors: EskipParseError[];
}

class Parser {
  readonly #src: string;
  readonly #file: string | undefined;
  readonly #lines: LineIndex;
  readonly #lexer: Lexer;
  #cur: Token;
  #ahead: Token | null = null;

  constructor(src: string, file: string | undefined, firstLine = 1) {
    this.#src = src;
    this.#file = file;
    this.#lines = new LineIndex(src, firstLine);
    this.#lexer = new Lexer(src, file, this.#lines);
    try {
      this.#cur = this.#lex();
    } catch (e) {
      if (!(e instanceof EskipParseError)) throw e;
      // Raised by the entry points, which know whether to throw it or to recover.
      this.#firstError = e;
      this.#cur = { kind: 'any', value: '', offset: 0 };
    }
  }

  #firstError: EskipParseError | null = null;
  /**
   * Predicate and filter calls parsed so far, by name and arguments: equal calls are one frozen object (a
   * million routes repeat a few thousand calls), which also lets route compilation share what it creates.
   */
  readonly #calls = new Map<string, CallNode>();
  readonly #strings = new Map<string, string>();
  /** Endpoint lists parsed so far, by their text: routes of one service share one frozen list. */
  readonly #endpoints = new Map<string, LBEndpoint[]>();
  readonly #args: Arg[] = [];
  readonly #filterList: FilterCall[] = [];
  readonly #predicateList: PredicateCall[] = [];
  /** Parsed LB endpoint URLs by their text. */
  readonly #endpoint = new Map<string, { scheme: string; endpoint: LBEndpoint }>();

  /** Throws the lexer's error on the first token, for the entry points that do not recover. */
  strict(): this {
    if (this.#firstError !== null) throw this.#firstError;
    return this;
  }

  /** Characters the position tracking scanned plus those the lexer searched ahead (a work counter). */
  get scanned(): number {
    return this.#lines.scanned + this.#lexer.searched;
  }

  get #tok(): Token {
    return this.#cur;
  }

  #kind(): TokenKind {
    return this.#cur.kind;
  }

  /**
   * The next token from the lexer. A refused character is stepped over before the error propagates, so
   * that whoever recovers never meets the same error again (a retry would otherwise loop forever).
   */
  #lex(): Token {
    try {
      return this.#lexer.next();
    } catch (e) {
      if (e instanceof EskipParseError) this.#lexer.skip(this.#lexer.offset + 1);
      throw e;
    }
  }

  #peek(): Token {
    return (this.#ahead ??= this.#lex());
  }

  #advance(): void {
    if (this.#ahead !== null) {
      this.#cur = this.#ahead;
      this.#ahead = null;
    } else this.#cur = this.#lex();
  }

  failAt(tok: Token, reason: string): never {
    const { line, col } = this.#lines.at(tok.offset);
    throw new EskipParseError(reason, line, col, this.#file);
  }

  #expected(what: string): never {
    const t = this.#tok;
    const found = t.kind === 'eof' ? 'end of input' : JSON.stringify(this.#src.slice(t.offset, t.offset + 20).split('\n')[0]);
    return this.failAt(t, `expected ${what}, found ${found}`);
  }

  #take(kind: TokenKind): Token {
    const t = this.#tok;
    if (t.kind !== kind) this.#expected(TOKEN_TEXT[kind]);
    this.#advance();
    return t;
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
    const t = this.#tok;
    if (t.kind === 'eof') return { routes, errors };
    let routesMode: boolean;
    try {
      routesMode = t.kind === 'semicolon' || (t.kind === 'symbol' && this.#peek().kind === 'colon');
    } catch (e) {
      if (!(e instanceof EskipParseError)) throw e;
      // The lexer refused what follows the first token; the route loop meets the same error and recovers.
      routesMode = true;
    }
    if (!routesMode) {
      try {
        const r = this.route('', t);
        this.#take('eof');
        routes.push(r);
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
        const idTok = this.#tok;
        if (idTok.kind !== 'symbol') this.#expected('a route id');
        id = idTok.value;
        this.#advance();
        this.#take('colon');
        routes.push(this.route(idTok.value, idTok));
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
      const { line, col } = this.#lines.at(this.#src.length);
      errors.push(new EskipParseError(`${unlisted} more broken routes not listed`, line, col, this.#file));
    }
    return { routes, errors };
  }

  /** Skips to the next ";" or `id:` (a colon only ever follows a route id), past characters the lexer refused. */
  #resync(): void {
    for (;;) {
      const k = this.#kind();
      if (k === 'eof' || k === 'semicolon') return;
      try {
        if (k === 'symbol' && this.#peek().kind === 'colon') return;
        this.#advance();
      } catch (e) {
        if (!(e instanceof EskipParseError)) throw e;
        // The lexer refused a character (and #lex stepped over it); the placeholder is no resync point.
        this.#ahead = null;
        this.#cur = { kind: 'any', value: '', offset: this.#lexer.offset };
      }
    }
  }

  route(id: string, at: Token): RouteDef {
    const predicates = this.#legacy(this.predicates(), id, at);
    this.#take('arrow');
    const filters = this.#filterList;
    filters.length = 0;
    while (this.#kind() === 'symbol') {
      filters.push(this.call());
      this.#take('arrow');
    }
    const { line, col } = this.#lines.at(at.offset);
    const pos: SourcePos = this.#file === undefined ? { line, col } : { file: this.#file, line, col };
    // One object shape per backend kind, every field set at once; lists sized exactly (push leaves spare room).
    // The lists are the route's own (data clients add to the lists of routes they parsed); the calls are shared.
    return this.backend(copy(id), predicates, filters.slice(), pos);
  }

  predicates(): PredicateCall[] {
    const out: PredicateCall[] = [];
    for (;;) {
      if (this.#kind() === 'any') {
        this.#advance();
        out.push(anyCall);
      } else if (this.#kind() === 'symbol') {
        out.push(this.call());
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

  call(): { name: string; args: Arg[] } {
    const name = this.#take('symbol').value;
    this.#take('openparen');
    const args = this.#args;
    args.length = 0;
    // Equal calls are found through a trie keyed by the name, then each argument: no key string is built.
    let node: CallNode | undefined = this.#calls.get(name);
    if (node === undefined) this.#calls.set(name, (node = { call: null, next: null }));
    if (this.#kind() !== 'closeparen') {
      for (;;) {
        const t = this.#tok;
        let a: Arg;
        if (t.kind === 'number') a = Number.parseFloat(t.value);
        else if (t.kind === 'string' || t.kind === 'regexp') a = t.value;
        else this.#expected('an argument (string, regexp or number)');
        args.push(a);
        const next: Map<Arg, CallNode> = (node.next ??= new Map());
        let child: CallNode | undefined = next.get(a);
        if (child === undefined) next.set(typeof a === 'string' ? this.#intern(a) : a, (child = { call: null, next: null }));
        node = child;
        this.#advance();
        if (this.#kind() !== 'comma') break;
        this.#advance();
      }
    }
    this.#take('closeparen');
    let c = node.call;
    if (c === null) {
      const own: Arg[] = new Array(args.length);
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!;
        own[i] = typeof a === 'string' ? this.#intern(a) : a;
      }
      c = node.call = Object.freeze({ name: this.#intern(name), args: Object.freeze(own) as Arg[] });
    }
    return c;
  }

  /**
   * `s` as a string of its own. Slices of the source keep the whole source alive (V8 slices rather than
   * copies strings of 13 characters or more): a route table would hold the routes file for ever. Equal
   * strings are kept once.
   */
  #intern(s: string): string {
    if (s.length < 13) return s;
    let v = this.#strings.get(s);
    if (v === undefined) {
      v = JSON.parse(JSON.stringify(s)) as string;
      this.#strings.set(v, v);
    }
    return v;
  }

  backend(id: string, predicates: PredicateCall[], filters: FilterCall[], pos: SourcePos | undefined): RouteDef {
    const t = this.#tok;
    const type = SIMPLE_BACKENDS[t.kind];
    if (type !== undefined) {
      this.#advance();
      return { id, predicates, filters, backendType: type, pos };
    }
    if (t.kind === 'string') {
      this.#advance();
      return { id, predicates, filters, backendType: 'network', backend: this.#intern(t.value), pos };
    }
    if (t.kind !== 'openarrow') this.#expected('a filter or a backend (URL string, <shunt>, <loopback>, <dynamic>, <forward> or <…> load balancer)');
    this.#advance();
    let algorithm = '';
    if (this.#kind() === 'symbol') {
      algorithm = this.#intern(this.#tok.value);
      this.#advance();
      this.#take('comma');
    }
    const endpoints: LBEndpoint[] = [];
    let key = algorithm;
    let scheme = '';
    for (;;) {
      const e = this.#take('string');
      let ep = this.#endpoint.get(e.value);
      if (ep === undefined) {
        const parsed = parseEndpoint(e.value);
        if (parsed === null) this.failAt(e, `invalid endpoint URL ${JSON.stringify(e.value)}`);
        const { address, zone } = parsed.endpoint;
        ep = { scheme: parsed.scheme, endpoint: Object.freeze(zone === undefined ? { address: this.#intern(address) } : { address: this.#intern(address), zone: this.#intern(zone) }) };
        this.#endpoint.set(ep.endpoint.address === e.value ? ep.endpoint.address : copy(e.value), ep);
      }
      if (scheme !== '' && ep.scheme !== scheme) this.failAt(e, 'load balanced endpoints cannot have mixed protocols');
      scheme = ep.scheme;
      endpoints.push(ep.endpoint);
      key += '\u0000' + e.value;
      if (this.#kind() !== 'comma') break;
      this.#advance();
    }
    this.#take('closearrow');
    let list = this.#endpoints.get(key);
    if (list === undefined) this.#endpoints.set(key, (list = Object.freeze(endpoints) as LBEndpoint[]));
    return { id, predicates, filters, backendType: 'lb', lbAlgorithm: algorithm, lbEndpoints: list, pos };
  }

  /** Skipper's parse-time checks of the predicates it keeps in legacy route fields. */
  #legacy(preds: PredicateCall[], id: string, at: Token): PredicateCall[] {
    const out = this.#predicateList;
    out.length = 0;
    let path = false;
    let method = false;
    let headers: Set<string> | null = null;
    const strings = (p: PredicateCall, n: number): string[] => {
      if (p.args.length !== n || p.args.some((a) => typeof a !== 'string')) {
        this.failAt(at, `invalid route ${JSON.stringify(id)}: ${p.name} predicate expects ${n === 1 ? '1 string argument' : `${n} string arguments`}`);
      }
      return p.args as string[];
    };
    for (const p of preds) {
      switch (p.name) {
        case '*':
        case 'Any':
          continue;
        case 'Path':
          if (path) this.failAt(at, `invalid route ${JSON.stringify(id)}: duplicate path tree predicate`);
          strings(p, 1);
          path = true;
          break;
        case 'Method':
          if (method) this.failAt(at, `invalid route ${JSON.stringify(id)}: duplicate method predicate`);
          strings(p, 1);
          method = true;
          break;
        case 'Host': {
          const [h] = strings(p, 1);
          if (h!.startsWith('*.')) {
            out.push(Object.freeze({ name: 'Host', args: Object.freeze([h!.replace('*', HOST_WILDCARD)]) as Arg[] }));
            continue;
          }
          break;
        }
        case 'PathRegexp':
          strings(p, 1);
          break;
        case 'Header': {
          const [k] = strings(p, 2);
          if (headers?.has(k!)) this.failAt(at, `invalid route ${JSON.stringify(id)}: duplicate header predicate: ${k}`);
          (headers ??= new Set()).add(k!);
          break;
        }
        case 'HeaderRegexp':
          strings(p, 2);
          break;
      }
      out.push(p);
    }
    return out.slice();
  }

  end(): void {
    this.#take('eof');
  }

  get atEnd(): boolean {
    return this.#kind() === 'eof';
  }
}

/** Parses an LB endpoint; `?zone=z` moves into the zone field as Skipper's parser does. */
function parseEndpoint(s: string): { scheme: string; endpoint: LBEndpoint } | null {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return null;
  }
  const scheme = u.protocol.slice(0, -1);
  const q = s.indexOf('?');
  if (q < 0) return { scheme, endpoint: { address: s } };
  const params = new URLSearchParams(s.slice(q + 1));
  const zone = params.get('zone');
  if (zone === null) return { scheme, endpoint: { address: s } };
  params.delete('zone');
  const rest = params.toString();
  return { scheme, endpoint: { address: s.slice(0, q) + (rest === '' ? '' : `?${rest}`), zone } };
}

/** Parses an eskip document, or a single route expression (whose id is then ""); the first error throws. */
export function parse(text: string, options: ParseOptions = {}): RouteDef[] {
  return new Parser(text, options.file).document();
}

/**
 * Parses an eskip document route by route: every route that parses is returned, every one that does not
 * gives one error (file:line:col, and the route id when it was read) and parsing resumes at the next ";" or
 * `id:`. This is what route sources use, so that one broken route never blocks the others.
 */
export function parseDocument(text: string, options: ParseOptions = {}): DocumentParse {
  return new Parser(text, options.file, options.firstLine).documentRecovering(true);
}

/**
 * parseDocument in slices: returns to the event loop every `sliceMs` (default 10 ms), so a large routes
 * file does not stop the process serving while it is read. Same result as parseDocument.
 */
export function parseDocumentSliced(text: string, options: ParseOptions & { sliceMs?: number; onYield?: () => void } = {}): Promise<DocumentParse> {
  return runSliced(new Parser(text, options.file, options.firstLine).documentSteps(true), options);
}

/**
 * parseDocument with a count of the characters its position tracking and literal search scanned, for the
 * linearity test: each of these is a forward-only pass, so the count stays within a small multiple of the
 * input, however many routes it holds.
 */
export function parseDocumentCounting(text: string): DocumentParse & { scanned: number } {
  const p = new Parser(text, undefined);
  return { ...p.documentRecovering(true), scanned: p.scanned };
}

/** Parses a predicate list such as an annotation's `Method("GET") && Header("X", "y")`; `*` is dropped. */
export function parsePredicates(text: string, options: ParseOptions = {}): PredicateCall[] {
  const p = new Parser(text, options.file).strict();
  if (p.atEnd) return [];
  const preds = p.predicates();
  p.end();
  return preds.filter((x) => x.name !== '*');
}

/** Parses a filter chain such as an annotation's `setPath("/") -> status(200)`. */
export function parseFilters(text: string, options: ParseOptions = {}): FilterCall[] {
  const p = new Parser(text, options.file).strict();
  if (p.atEnd) return [];
  const filters = p.filters();
  p.end();
  return filters;
}
