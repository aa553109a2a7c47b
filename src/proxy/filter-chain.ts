/**
 * Runs a route's filter hooks. Request hooks run in eskip order, response hooks in reverse. A hook's
 * result is awaited only when it returned a thenable, so synchronous chains stay synchronous. Any throw or
 * rejection becomes SKJ_ERR_PROXY_FILTER_FAILED, naming the filter.
 */
import type { FilterInstance } from '../routing/filter-contract.ts';
import type { Route } from '../routing/types.ts';
import type { RequestContext } from './context.ts';
import { ProxyError } from './errors.ts';

function failed(f: FilterInstance, phase: string, err: unknown): ProxyError {
  if (err instanceof ProxyError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new ProxyError('SKJ_ERR_PROXY_FILTER_FAILED', `filter ${f.name} failed in the ${phase} phase: ${msg}`, { cause: err });
}

function isThenable(v: unknown): v is PromiseLike<void> {
  return v !== undefined && v !== null && typeof (v as PromiseLike<void>).then === 'function';
}

/**
 * Runs request hooks from position `i`. Returns the position of the hook that served (ctx.serve), -1 when
 * every hook ran, or a promise of either.
 */
export function runRequestFilters(list: readonly FilterInstance[], ctx: RequestContext, i = 0): number | Promise<number> {
  for (; i < list.length; i++) {
    const f = list[i]!;
    let r: void | Promise<void>;
    try {
      r = f.request!(ctx);
    } catch (e) {
      throw failed(f, 'request', e);
    }
    if (isThenable(r)) {
      const at = i;
      return Promise.resolve(r).then(
        () => (ctx.served ? at : runRequestFilters(list, ctx, at + 1)),
        (e: unknown) => {
          throw failed(f, 'request', e);
        },
      );
    }
    if (ctx.served) return i;
  }
  return -1;
}

/** Runs response hooks in the order given (already reversed); undefined when all ran synchronously. */
export function runResponseFilters(list: readonly FilterInstance[], ctx: RequestContext, i = 0): void | Promise<void> {
  for (; i < list.length; i++) {
    const f = list[i]!;
    let r: void | Promise<void>;
    try {
      r = f.response!(ctx);
    } catch (e) {
      throw failed(f, 'response', e);
    }
    if (isThenable(r)) {
      const at = i;
      return Promise.resolve(r).then(
        () => runResponseFilters(list, ctx, at + 1),
        (e: unknown) => {
          throw failed(f, 'response', e);
        },
      );
    }
  }
}

/**
 * The response hooks to run after request hook `served` (an index into route.requestFilters) answered:
 * that filter and every filter before it, backwards (Skipper's ctx.Serve). Rare, so computed on demand.
 */
export function responseFiltersAfterServe(route: Route, served: number): readonly FilterInstance[] {
  const last = route.filters.indexOf(route.requestFilters![served]!);
  const out: FilterInstance[] = [];
  for (let i = last; i >= 0; i--) if (route.filters[i]!.response !== undefined) out.push(route.filters[i]!);
  return out;
}
