/**
 * Ingress path rules as predicates: pathType Exact/Prefix map to Path/PathSubtree; ImplementationSpecific
 * (and unset) follows the path mode (`-kubernetes-path-mode` or the `zalando.org/skipper-ingress-path-mode`
 * annotation).
 */
import type { PredicateCall, RouteDef } from '../../../eskip/index.ts';
import type { PathMode } from '../options.ts';

/** Sets the single PathRegexp, replacing any (Skipper assigns its legacy PathRegexps field). */
function setPathRegexp(r: RouteDef, rx: string): void {
  r.predicates = r.predicates.filter((p) => p.name !== 'PathRegexp');
  r.predicates.push({ name: 'PathRegexp', args: [rx] });
}

/** Path matching for ImplementationSpecific paths, by path mode. */
function setPathByMode(mode: PathMode, r: RouteDef, path: string): void {
  switch (mode) {
    case 'path-prefix':
      r.predicates.push({ name: 'PathSubtree', args: [path] });
      break;
    case 'path-regexp':
      setPathRegexp(r, path);
      break;
    default:
      setPathRegexp(r, path === '/' ? '^/' : `^(${path})`);
  }
}

/** Adds the path predicate of an Ingress path rule; an empty path matches everything. */
export function setPathV1(mode: PathMode, r: RouteDef, pathType: string, path: string): void {
  if (path === '') return;
  if (pathType === 'Exact') r.predicates.push({ name: 'Path', args: [path] });
  else if (pathType === 'Prefix') r.predicates.push({ name: 'PathSubtree', args: [path] });
  else setPathByMode(mode, r, path);
}

function isPathPredicate(p: PredicateCall): boolean {
  return p.name === 'Path' || p.name === 'PathSubtree';
}

/** Number of Path and PathSubtree predicates; a route with more than one never matches anything. */
export function countPathPredicates(r: RouteDef): number {
  return r.predicates.filter(isPathPredicate).length;
}

/**
 * Appends the already parsed `zalando.org/skipper-predicate` predicates. In path-prefix mode an annotation
 * Path/PathSubtree takes precedence: one rule path predicate is removed for each of them.
 */
export function applyAnnotationPredicates(mode: PathMode, r: RouteDef, predicates: readonly PredicateCall[]): void {
  if (predicates.length === 0) return;
  if (mode === 'path-prefix') {
    for (const p of predicates) {
      if (!isPathPredicate(p)) continue;
      const i = r.predicates.findIndex(isPathPredicate);
      if (i >= 0) r.predicates.splice(i, 1);
    }
  }
  r.predicates.push(...predicates.map((p) => ({ name: p.name, args: [...p.args] })));
}

/**
 * True when one of the routes matches every path of its host: no PathRegexp at all, or `^/`. Path and
 * PathSubtree are not considered, as in Skipper.
 */
export function hasCatchAllRoute(routes: readonly RouteDef[]): boolean {
  for (const r of routes) {
    let regexps = 0;
    for (const p of r.predicates) {
      if (p.name !== 'PathRegexp') continue;
      if (p.args[0] === '^/') return true;
      regexps++;
    }
    if (regexps === 0) return true;
  }
  return false;
}
