/**
 * The eskip printer. Output always parses back to an equal route list (see the property test): strings are
 * escaped for the lexer's rules, numbers are written as plain decimals (the lexer has no exponent form).
 */
import type { Arg, FilterCall, PredicateCall, RouteDef } from './ast.ts';

const ESCAPE: Record<string, string> = {
  '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\v': '\\v',
};

/** Quotes a string for eskip. */
export function quote(s: string): string {
  return `"${s.replace(/[\\"\n\r\t\x07\b\f\v]/g, (c) => ESCAPE[c]!)}"`;
}

/** Writes a float64 the way the lexer reads it back: plain decimal digits, never exponent notation. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`eskip cannot represent the number ${n}`);
  const s = String(Math.abs(n));
  let out = s;
  const e = s.indexOf('e');
  if (e >= 0) {
    const mant = s.slice(0, e).replace('.', '');
    const intDigits = (s.indexOf('.') >= 0 && s.indexOf('.') < e ? s.indexOf('.') : e) + Number(s.slice(e + 1));
    out = intDigits <= 0 ? `0.${'0'.repeat(-intDigits)}${mant}` : intDigits >= mant.length ? mant + '0'.repeat(intDigits - mant.length) : `${mant.slice(0, intDigits)}.${mant.slice(intDigits)}`;
  }
  // The lexer has no sign: negative numbers cannot be written in eskip; print them as strings would lie.
  if (n < 0) throw new RangeError(`eskip cannot represent the negative number ${n}`);
  return out;
}

function arg(a: Arg): string {
  return typeof a === 'number' ? formatNumber(a) : quote(a);
}

function call(c: PredicateCall | FilterCall): string {
  return `${c.name}(${c.args.map(arg).join(', ')})`;
}

/** Prints a predicate list (`*` when empty). */
export function printPredicates(preds: readonly PredicateCall[]): string {
  return preds.length === 0 ? '*' : preds.map(call).join(' && ');
}

/** Prints a filter chain (empty string when none). */
export function printFilters(filters: readonly FilterCall[]): string {
  return filters.map(call).join(' -> ');
}

/** Prints the backend part of a route. */
export function printBackend(r: RouteDef): string {
  switch (r.backendType) {
    case 'network':
      return quote(r.backend ?? '');
    case 'lb': {
      const eps = (r.lbEndpoints ?? []).map((e) => quote(e.zone === undefined ? e.address : withZone(e.address, e.zone)));
      return `<${r.lbAlgorithm ? `${r.lbAlgorithm}, ` : ''}${eps.join(', ')}>`;
    }
    default:
      return `<${r.backendType}>`;
  }
}

function withZone(address: string, zone: string): string {
  return `${address}${address.includes('?') ? '&' : '?'}zone=${encodeURIComponent(zone)}`;
}

/** Prints one route expression without id. */
export function printExpression(r: RouteDef, pretty = false): string {
  const sep = pretty ? '\n  -> ' : ' -> ';
  const parts = [printPredicates(r.predicates), ...r.filters.map(call), printBackend(r)];
  return parts.join(sep);
}

/** Prints one route with its id, `id: expression`. */
export function printRoute(r: RouteDef, pretty = false): string {
  return `${r.id}:${pretty ? "\n  " : " "}${printExpression(r, pretty)}`;
}

/**
 * Prints a route list as an eskip document; pretty puts each route in its own block. A single route without
 * id is printed as a bare expression, as Skipper's eskip.Print does: `: expr;` would not parse back.
 */
export function print(routes: readonly RouteDef[], options: { pretty?: boolean } = {}): string {
  const pretty = options.pretty ?? false;
  if (routes.length === 1 && routes[0]!.id === '') return `${printExpression(routes[0]!, pretty)}\n`;
  return routes.map((r) => `${printRoute(r, pretty)};\n`).join(pretty ? '\n' : '');
}
