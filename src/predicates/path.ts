/**
 * Path("/a/:id/*rest"): the request path equals the pattern; `:name` matches one non-empty segment and a
 * trailing `*name` matches the non-empty rest. The route table does not call this matcher: it indexes Path
 * in its path tree. The matcher serves standalone use (tests, linear-scan comparisons).
 */
import type { PredicateSpec, RoutingRequest } from '../routing/types.ts';
import { cleanPath, parsePathPattern, type PathPattern } from '../routing/path-pattern.ts';
import { expectCount, stringArg } from './args.ts';

export const pathSpec: PredicateSpec = {
  name: 'Path',
  create(args) {
    expectCount('Path', args, 1);
    const p = parsePathPattern('Path', stringArg('Path', args, 0), false);
    return { match: (req: RoutingRequest) => matchPattern(p, cleanPath(req.path)) };
  },
};

/** True when `path` (cleaned) matches the pattern as the path tree would, ignoring other routes. */
export function matchPattern(p: PathPattern, path: string): boolean {
  const segs = path.slice(1).split('/');
  const n = p.segments.length;
  if (p.freeName === null) {
    if (segs.length !== n) return false;
  } else if (p.subtree) {
    if (segs.length < n) return false;
    // The subtree base itself, with or without a trailing slash, belongs to the subtree.
    if (segs.length === n + 1 && segs[n] === '' && n > 0) return prefixMatches(p, segs);
  } else if (segs.length <= n || segs.slice(n).join('/') === '') {
    return false;
  }
  return prefixMatches(p, segs);
}

function prefixMatches(p: PathPattern, segs: readonly string[]): boolean {
  for (let i = 0; i < p.segments.length; i++) {
    const s = p.segments[i]!;
    const v = segs[i]!;
    if (s.param ? v === '' : s.text !== v) return false;
  }
  return true;
}
