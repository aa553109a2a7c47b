/**
 * Skipper's -edit-route and -clone-route pre-processors. Each is `/regexp/replacement/`: the first character
 * is the delimiter, and the value must split on it into exactly four pieces, the second being the regexp and
 * the third the replacement (so neither may contain the delimiter). The regexp (RE2) is replaced in the
 * eskip text of every predicate and every filter on its own (`Host("^a$")`, `setPath("/x")`), never in ids
 * or backends, and the result is parsed back; a result that does not parse leaves that predicate or filter
 * unchanged. An edit changes routes in place (same id); a clone appends a changed copy with the id
 * `clone_<id>` after all routes, and nothing for a route the regexp does not change.
 *
 * Order, as in Skipper: default filters, then every -clone-route in flag order, then every -edit-route (so
 * edits also apply to clones). Results are cached per definition object, so an update that keeps most
 * definitions (the incremental Kubernetes converter) costs only the changed ones.
 */
import type { FilterCall, PredicateCall, RouteDef } from '../eskip/index.ts';
import { parseFilters, parsePredicates, printFilters, printPredicates } from '../eskip/index.ts';
import { translateRe2 } from '../regexp/index.ts';
import { withDefaultFilters, type DefaultFilters } from './default-filters.ts';
import type { RoutePreprocessor } from './pipeline.ts';

/** A Go regexp replacement template, parsed once: literal text and group references. */
type TemplatePart = string | { group: number | string };

/** One parsed `/regexp/replacement/`. */
export interface RouteChange {
  /** The flag value as given, for messages. */
  readonly spec: string;
  readonly regexp: RegExp;
  readonly template: readonly TemplatePart[];
}

const NAME_CHAR = /[A-Za-z0-9_]/;

/** Go's Regexp.Expand template syntax: `$1`, `$name`, `${name}`, `$$`; an unusable `$` stays literal. */
export function parseTemplate(t: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let lit = '';
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (c !== '$') {
      lit += c;
      continue;
    }
    if (t[i + 1] === '$') {
      lit += '$';
      i++;
      continue;
    }
    let name = '';
    let end = i + 1;
    if (t[end] === '{') {
      const close = t.indexOf('}', end);
      name = close < 0 ? '' : t.slice(end + 1, close);
      if (name === '' || ![...name].every((ch) => NAME_CHAR.test(ch))) name = '';
      end = close + 1;
    } else {
      while (end < t.length && NAME_CHAR.test(t[end]!)) name += t[end++];
    }
    if (name === '') {
      lit += '$';
      continue;
    }
    if (lit !== '') parts.push(lit);
    lit = '';
    parts.push({ group: /^\d+$/.test(name) && name.length < 9 ? Number(name) : name });
    i = end - 1;
  }
  if (lit !== '') parts.push(lit);
  return parts;
}

/** Parses a -edit-route/-clone-route value; throws an Error saying what is wrong. */
export function parseRouteChange(spec: string): RouteChange {
  if (spec === '') throw new Error('empty string as an argument is not allowed');
  const sep = spec[0]!;
  const pieces = spec.split(sep);
  if (pieces.length !== 4) {
    throw new Error(`expected ${sep}regexp${sep}replacement${sep} with "${sep}" exactly at those three places, got ${pieces.length - 1}`);
  }
  let regexp: RegExp;
  try {
    const { source, flags } = translateRe2(pieces[1]!);
    regexp = new RegExp(source, `${flags}g`);
  } catch (err) {
    throw new Error(`invalid regular expression ${JSON.stringify(pieces[1])}: ${(err as Error).message}`);
  }
  return { spec, regexp, template: parseTemplate(pieces[2]!) };
}

/** Replaces every match of the change's regexp in `text`, expanding the template as Go does. */
export function replaceAll(c: RouteChange, text: string): string {
  let out = '';
  let last = 0;
  let matched = false;
  for (const m of text.matchAll(c.regexp)) {
    matched = true;
    out += text.slice(last, m.index);
    for (const p of c.template) {
      if (typeof p === 'string') out += p;
      else out += (typeof p.group === 'number' ? m[p.group] : m.groups?.[p.group]) ?? '';
    }
    last = m.index + m[0].length;
  }
  return matched ? out + text.slice(last) : text;
}

/** Reports a replacement that did not parse back; the predicate or filter stays as it was. */
export type ChangeErrorHandler = (routeId: string, change: RouteChange, text: string, err: Error) => void;

/** The log line for a replacement that did not parse back. */
export function changeErrorMessage(routeId: string, change: RouteChange, text: string, err: Error): string {
  return `route ${routeId}: ${change.spec} gives ${text}, which does not parse (${err.message}); left unchanged`;
}

/** The calls with their text changed one by one, or null when none changed. */
function changeCalls<T extends PredicateCall | FilterCall>(
  c: RouteChange, id: string, calls: readonly T[], text: (call: T) => string, reparse: (text: string) => T[], onError: ChangeErrorHandler,
): T[] | null {
  let out: T[] | null = null;
  calls.forEach((call, i) => {
    const before = text(call);
    const after = replaceAll(c, before);
    if (after === before) return;
    try {
      const parsed = reparse(after);
      if (parsed.length > 0) (out ??= [...calls])[i] = parsed[0]!;
    } catch (err) {
      onError(id, c, after, err as Error);
    }
  });
  return out;
}

/** The route with every predicate and filter text changed, or null when nothing changed. */
function changeRoute(c: RouteChange, def: RouteDef, onError: ChangeErrorHandler): RouteDef | null {
  const predicates = changeCalls(c, def.id, def.predicates, (p) => printPredicates([p]), parsePredicates, onError);
  const filters = changeCalls(c, def.id, def.filters, (f) => printFilters([f]), parseFilters, onError);
  if (predicates === null && filters === null) return null;
  return { ...def, predicates: predicates ?? def.predicates, filters: filters ?? def.filters };
}

/**
 * Per definition object, what one change made of it (null: unchanged), with the id `prefix` puts in front.
 * The same input object gives the same output object, which the incremental route compile recognises.
 */
function cached(c: RouteChange, onError: ChangeErrorHandler, prefix = ''): (def: RouteDef) => RouteDef | null {
  const memo = new WeakMap<RouteDef, RouteDef | null>();
  return (def) => {
    let r = memo.get(def);
    if (r === undefined) {
      r = changeRoute(c, def, onError);
      if (r !== null && prefix !== '') r.id = prefix + def.id;
      memo.set(def, r);
    }
    return r;
  };
}

export interface RoutePreprocessorOptions {
  defaultFilters?: DefaultFilters;
  clone?: readonly RouteChange[];
  edit?: readonly RouteChange[];
  onError?: ChangeErrorHandler;
}

/**
 * The pre-processing chain as one function over a merged route list. Returns the input list itself when
 * there is nothing to do.
 */
export function routePreprocessor(o: RoutePreprocessorOptions): (defs: RouteDef[]) => RouteDef[] {
  const onError = o.onError ?? (() => {});
  const clones = (o.clone ?? []).map((c) => cached(c, onError, 'clone_'));
  const edits = (o.edit ?? []).map((c) => cached(c, onError));
  const d = o.defaultFilters;
  const hasDefaults = d !== undefined && (d.prepend.length > 0 || d.append.length > 0);
  if (!hasDefaults && clones.length === 0 && edits.length === 0) return (defs) => defs;
  return (input) => {
    let defs = hasDefaults ? input.map((def) => withDefaultFilters(def, d)) : input;
    for (const clone of clones) {
      const added: RouteDef[] = [];
      for (const def of defs) {
        const copy = clone(def);
        if (copy !== null) added.push(copy);
      }
      if (added.length > 0) defs = [...defs, ...added];
    }
    for (const edit of edits) defs = defs.map((def) => edit(def) ?? def);
    return defs;
  };
}

/** -clone-route and -edit-route as one pre-processor (clones first, then edits); null when there are none. */
export function routeChangesPreprocessor(o: { clone: readonly RouteChange[]; edit: readonly RouteChange[]; onError?: ChangeErrorHandler }): RoutePreprocessor | null {
  if (o.clone.length === 0 && o.edit.length === 0) return null;
  return { name: 'route changes', process: routePreprocessor(o) };
}
