/**
 * Skipper's template placeholders (`${request.header.X}`, `${request.path}`, `${id}`, …), compiled once
 * at route-build time into literal pieces and resolver functions, so a request only runs the resolvers.
 *
 * Resolution follows Skipper's eskip.Template.ApplyContext: request placeholders read the request as the
 * filters have changed it so far, `response.header.*` resolves only in the response phase, and every other
 * name is looked up among the route's path wildcards. An unknown name resolves to "". Whether an
 * unresolved placeholder matters is the filter's choice: `expand` uses "" for it, `expandStrict` returns
 * null when any placeholder resolved to "" (setRequestHeader then leaves the header alone).
 */
import type { FilterContext } from '../routing/filter-contract.ts';
import { clientAddress, decodedPath, getFirst, normalizeIP, queryGet } from '../net/index.ts';
import { readRequestCookie as requestCookie } from './cookies/index.ts';

type Resolver = (ctx: FilterContext) => string;

const PLACEHOLDER = /\$\{([^{}]+)\}/g;
const noResolvers: readonly Resolver[] = Object.freeze([]);
const noNames: readonly string[] = Object.freeze([]);

function resolverFor(key: string): Resolver {
  if (key.startsWith('request.header.')) {
    const name = key.slice('request.header.'.length).toLowerCase();
    return (ctx) => getFirst(ctx.request.headers, name);
  }
  if (key.startsWith('request.query.')) {
    const name = key.slice('request.query.'.length);
    return (ctx) => queryGet(ctx.request.rawQuery, name);
  }
  if (key.startsWith('request.cookie.')) {
    const name = key.slice('request.cookie.'.length);
    return (ctx) => requestCookie(ctx.request.headers, name) ?? '';
  }
  switch (key) {
    case 'request.method': return (ctx) => ctx.request.method;
    case 'request.host': return (ctx) => ctx.original.host;
    case 'request.path': return (ctx) => decodedPath(ctx.request.path);
    case 'request.rawQuery': return (ctx) => ctx.request.rawQuery;
    case 'request.source': return (ctx) => normalizeIP(clientAddress(ctx.original.remoteAddress, ctx.request.headers['x-forwarded-for'], 'first'));
    case 'request.sourceFromLast': return (ctx) => normalizeIP(clientAddress(ctx.original.remoteAddress, ctx.request.headers['x-forwarded-for'], 'last'));
    case 'request.clientIP': return (ctx) => normalizeIP(ctx.original.remoteAddress);
  }
  if (key.startsWith('response.header.')) {
    const name = key.slice('response.header.'.length).toLowerCase();
    // Skipper falls through to the path parameters when there is no response yet.
    return (ctx) => (ctx.response !== null ? getFirst(ctx.response.headers, name) : (ctx.pathParams[key] ?? ''));
  }
  return (ctx) => ctx.pathParams[key] ?? '';
}

/** A template compiled at route-build time. */
export class Template {
  /** The template text as written in the route. */
  readonly source: string;
  /** The placeholder names in order of appearance. */
  readonly placeholders: readonly string[];
  /** The text itself when it has no placeholders, else null. */
  readonly constant: string | null;
  // Alternating literal pieces and resolvers: literals[0] r[0] literals[1] r[1] … literals[n].
  readonly #literals: readonly string[];
  readonly #resolvers: readonly Resolver[];

  constructor(source: string) {
    this.source = source;
    // Most values are constant (a million routes' per-route header values): no regexp iterator for them.
    if (!source.includes('${')) {
      this.#literals = [source];
      this.#resolvers = noResolvers;
      this.placeholders = noNames;
      this.constant = source;
      return;
    }
    const literals: string[] = [];
    const resolvers: Resolver[] = [];
    const names: string[] = [];
    let last = 0;
    for (const m of source.matchAll(PLACEHOLDER)) {
      literals.push(source.slice(last, m.index));
      names.push(m[1]!);
      resolvers.push(resolverFor(m[1]!));
      last = m.index + m[0].length;
    }
    literals.push(source.slice(last));
    this.#literals = literals;
    this.#resolvers = resolvers;
    this.placeholders = names;
    this.constant = resolvers.length === 0 ? source : null;
  }

  /** The expanded text; unresolved placeholders become "". */
  expand(ctx: FilterContext): string {
    if (this.constant !== null) return this.constant;
    const lits = this.#literals;
    const res = this.#resolvers;
    let out = lits[0]!;
    for (let i = 0; i < res.length; i++) out += res[i]!(ctx) + lits[i + 1]!;
    return out;
  }

  /** The expanded text, or null when any placeholder resolved to "" (Skipper's `ok == false`). */
  expandStrict(ctx: FilterContext): string | null {
    if (this.constant !== null) return this.constant;
    const lits = this.#literals;
    const res = this.#resolvers;
    let out = lits[0]!;
    for (let i = 0; i < res.length; i++) {
      const v = res[i]!(ctx);
      if (v === '') return null;
      out += v + lits[i + 1]!;
    }
    return out;
  }
}

/** Compiles a template string; parsing happens here, never per request. */
export function compileTemplate(source: string): Template {
  return new Template(source);
}
