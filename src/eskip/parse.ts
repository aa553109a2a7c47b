/**
 * The eskip parser: documents (`id: route; …`), a single route expression without id, and the fragment forms
 * used in annotations (a predicate list alone, a filter chain alone). Arbitrary input either parses or throws
 * EskipParseError naming line, column and what was expected.
 */
import type { Arg, BackendType, FilterCall, LBEndpoint, PredicateCall, RouteDef } from './ast.ts';
import { EskipParseError, lineCol, tokenize, type Token, type TokenKind } from './lexer.ts';

export { EskipParseError } from './lexer.ts';

export interface ParseOptions {
  /** File name for error messages and route positions. */
  file?: string;
}

const TOKEN_TEXT: Record<TokenKind, string> = {
  and: '"&&"', any: '"*"', arrow: '"->"', openparen: '"("', closeparen: '")"', colon: '":"', comma: '","',
  semicolon: '";"', openarrow: '"<"', closearrow: '">"', shunt: '<shunt>', loopback: '<loopback>',
  dynamic: '<dynamic>', forward: '<forward>', number: 'a number', string: 'a string', regexp: 'a regexp',
  symbol: 'a name', eof: 'end of input',
};

/** Skipper rewrites a `*.` host wildcard into this regexp at parse time. */
const HOST_WILDCARD = '[a-z0-9]+((-[a-z0-9]+)?)*';

class Parser {
  readonly #src: string;
  readonly #file: string | undefined;
  readonly #toks: Token[];
  #i = 0;

  constructor(src: string, file: string | undefined) {
    this.#src = src;
    this.#file = file;
    this.#toks = tokenize(src, file);
  }

  get #tok(): Token {
    return this.#toks[this.#i]!;
  }

  #kind(): TokenKind {
    return this.#toks[this.#i]!.kind;
  }

  #peek(n = 1): Token {
    return this.#toks[Math.min(this.#i + n, this.#toks.length - 1)]!;
  }

  failAt(tok: Token, reason: string): never {
    const { line, col } = lineCol(this.#src, tok.offset);
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
    this.#i++;
    return t;
  }

  document(): RouteDef[] {
    const t = this.#tok;
    if (t.kind === 'eof') return [];
    const routesMode = t.kind === 'semicolon' || (t.kind === 'symbol' && this.#peek().kind === 'colon');
    if (!routesMode) {
      const r = this.route('', t);
      this.#take('eof');
      return [r];
    }
    const routes: RouteDef[] = [];
    let needSep = false;
    while (this.#kind() !== 'eof') {
      if (this.#kind() === 'semicolon') {
        this.#i++;
        needSep = false;
        continue;
      }
      if (needSep) this.#expected('";" between routes');
      const idTok = this.#tok;
      if (idTok.kind !== 'symbol') this.#expected('a route id');
      this.#i++;
      this.#take('colon');
      routes.push(this.route(idTok.value, idTok));
      needSep = true;
    }
    return routes;
  }

  route(id: string, at: Token): RouteDef {
    const predicates = this.predicates();
    this.#take('arrow');
    const filters: FilterCall[] = [];
    while (this.#kind() === 'symbol') {
      filters.push(this.call());
      this.#take('arrow');
    }
    const def = this.backend(id);
    def.predicates = this.#legacy(predicates, id, at);
    def.filters = filters;
    const { line, col } = lineCol(this.#src, at.offset);
    def.pos = this.#file === undefined ? { line, col } : { file: this.#file, line, col };
    return def;
  }

  predicates(): PredicateCall[] {
    const out: PredicateCall[] = [];
    for (;;) {
      if (this.#kind() === 'any') {
        this.#i++;
        out.push({ name: '*', args: [] });
      } else if (this.#kind() === 'symbol') {
        out.push(this.call());
      } else {
        this.#expected('a predicate or "*"');
      }
      if (this.#kind() !== 'and') return out;
      this.#i++;
    }
  }

  filters(): FilterCall[] {
    const out: FilterCall[] = [];
    for (;;) {
      if (this.#kind() !== 'symbol') this.#expected('a filter');
      out.push(this.call());
      if (this.#kind() !== 'arrow') return out;
      this.#i++;
    }
  }

  call(): { name: string; args: Arg[] } {
    const name = this.#take('symbol').value;
    this.#take('openparen');
    const args: Arg[] = [];
    if (this.#kind() !== 'closeparen') {
      for (;;) {
        const t = this.#tok;
        if (t.kind === 'number') args.push(Number.parseFloat(t.value));
        else if (t.kind === 'string' || t.kind === 'regexp') args.push(t.value);
        else this.#expected('an argument (string, regexp or number)');
        this.#i++;
        if (this.#kind() !== 'comma') break;
        this.#i++;
      }
    }
    this.#take('closeparen');
    return { name, args };
  }

  backend(id: string): RouteDef {
    const t = this.#tok;
    const simple: Partial<Record<TokenKind, BackendType>> = {
      shunt: 'shunt', loopback: 'loopback', dynamic: 'dynamic', forward: 'forward',
    };
    const type = simple[t.kind];
    if (type !== undefined) {
      this.#i++;
      return { id, predicates: [], filters: [], backendType: type };
    }
    if (t.kind === 'string') {
      this.#i++;
      return { id, predicates: [], filters: [], backendType: 'network', backend: t.value };
    }
    if (t.kind !== 'openarrow') this.#expected('a filter or a backend (URL string, <shunt>, <loopback>, <dynamic>, <forward> or <…> load balancer)');
    this.#i++;
    let algorithm = '';
    if (this.#kind() === 'symbol') {
      algorithm = this.#tok.value;
      this.#i++;
      this.#take('comma');
    }
    const endpoints: LBEndpoint[] = [];
    let scheme = '';
    for (;;) {
      const e = this.#take('string');
      const ep = parseEndpoint(e.value);
      if (ep === null) this.failAt(e, `invalid endpoint URL ${JSON.stringify(e.value)}`);
      if (scheme !== '' && ep.scheme !== scheme) this.failAt(e, 'load balanced endpoints cannot have mixed protocols');
      scheme = ep.scheme;
      endpoints.push(ep.endpoint);
      if (this.#kind() !== 'comma') break;
      this.#i++;
    }
    this.#take('closearrow');
    return { id, predicates: [], filters: [], backendType: 'lb', lbAlgorithm: algorithm, lbEndpoints: endpoints };
  }

  /** Skipper's parse-time checks of the predicates it keeps in legacy route fields. */
  #legacy(preds: PredicateCall[], id: string, at: Token): PredicateCall[] {
    const out: PredicateCall[] = [];
    let path = false;
    let method = false;
    const headers = new Set<string>();
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
            out.push({ name: 'Host', args: [h!.replace('*', HOST_WILDCARD)] });
            continue;
          }
          break;
        }
        case 'PathRegexp':
          strings(p, 1);
          break;
        case 'Header': {
          const [k] = strings(p, 2);
          if (headers.has(k!)) this.failAt(at, `invalid route ${JSON.stringify(id)}: duplicate header predicate: ${k}`);
          headers.add(k!);
          break;
        }
        case 'HeaderRegexp':
          strings(p, 2);
          break;
      }
      out.push(p);
    }
    return out;
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

/** Parses an eskip document, or a single route expression (whose id is then ""). */
export function parse(text: string, options: ParseOptions = {}): RouteDef[] {
  return new Parser(text, options.file).document();
}

/** Parses a predicate list such as an annotation's `Method("GET") && Header("X", "y")`; `*` is dropped. */
export function parsePredicates(text: string, options: ParseOptions = {}): PredicateCall[] {
  const p = new Parser(text, options.file);
  if (p.atEnd) return [];
  const preds = p.predicates();
  p.end();
  return preds.filter((x) => x.name !== '*');
}

/** Parses a filter chain such as an annotation's `setPath("/") -> status(200)`. */
export function parseFilters(text: string, options: ParseOptions = {}): FilterCall[] {
  const p = new Parser(text, options.file);
  if (p.atEnd) return [];
  const filters = p.filters();
  p.end();
  return filters;
}
