/**
 * Bounds on single API objects (issue: an absurdly large object must not exhaust memory or take the other
 * objects' routes down). Both are skipjack-only options; Skipper has no equivalent. The defaults sit far above
 * anything a real cluster can hold: the API server refuses request bodies over 3 MiB and etcd values over
 * 1.5 MiB by default, and no real Ingress or RouteGroup comes near 10,000 routes.
 */
import type { RouteDef } from '../../../eskip/index.ts';

/** The refusal of an object that converts to more routes than `-kubernetes-max-routes-per-object`. */
export function tooManyRoutes(count: number, max: number): string {
  return `refused: ${count} routes, more than the ${max} allowed per object (-kubernetes-max-routes-per-object)`;
}

/**
 * An upper bound on the routes an eskip text defines, without parsing it: routes are separated by `;`, so
 * there are at most one more routes than semicolons. Used to refuse a huge routes annotation before parsing.
 */
export function routesUpperBound(text: string): number {
  let n = 1;
  for (let i = text.indexOf(';'); i !== -1; i = text.indexOf(';', i + 1)) n++;
  return n;
}

/** Records the object a route came from, so route-level errors (invalid route logs) can name it. */
export function tagRoute(r: RouteDef, kind: string, origin: { namespace: string; name: string }): void {
  r.kind = kind;
  r.namespace = origin.namespace;
  r.name = origin.name;
}

/**
 * The size of an object as JSON text, estimated from its strings and structure, or `max + 1` as soon as it
 * exceeds `max` (the walk stops there, so a huge object costs no more than the bound to measure).
 */
export function objectSize(o: unknown, max: number): number {
  let size = 0;
  const stack: unknown[] = [o];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') size += v.length + 2;
    else if (v === null || typeof v !== 'object') size += 8;
    else if (Array.isArray(v)) {
      size += 2 + v.length;
      for (const x of v) stack.push(x);
    } else {
      for (const k in v) {
        size += k.length + 4;
        stack.push((v as Record<string, unknown>)[k]);
      }
    }
    if (size > max) return max + 1;
  }
  return size;
}
