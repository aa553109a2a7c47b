/**
 * Applies one merged route list: compile it as a new generation, swap it in, refresh /routes and the route
 * metrics, and log what became invalid (only changes, so a steady stream of updates from Kubernetes does
 * not repeat the same complaint on every build).
 */
import type { RouteDef } from '../eskip/ast.ts';
import type { Logger } from '../log/app-log.ts';
import type { ProxyMetrics } from '../metrics/proxy-metrics.ts';
import type { InvalidRoute, RouteTable } from '../routing/types.ts';
import type { RoutesView } from './routes-view.ts';

export interface RouteStateOptions {
  compile(defs: RouteDef[], generation: number): RouteTable;
  /** Makes `table` current; the previous table is released by whoever pins it (the holder). */
  swap(table: RouteTable): void;
  view?: RoutesView;
  metrics?: ProxyMetrics;
  logger: Logger;
}

function key(inv: InvalidRoute): string {
  return `${inv.id}\u0000${inv.reason}\u0000${inv.message}`;
}

export class RouteState {
  readonly #o: RouteStateOptions;
  #invalidKeys = new Set<string>();
  #table: RouteTable | null = null;

  constructor(o: RouteStateOptions) {
    this.#o = o;
  }

  get table(): RouteTable | null {
    return this.#table;
  }

  apply(defs: RouteDef[], generation: number): RouteTable {
    const started = performance.now();
    const table = this.#o.compile(defs, generation);
    this.#o.swap(table);
    this.#table = table;
    const seconds = (performance.now() - started) / 1000;

    const keys = new Set<string>();
    const byReason: Record<string, number> = {};
    for (const inv of table.invalid) {
      const k = key(inv);
      keys.add(k);
      byReason[inv.reason] = (byReason[inv.reason] ?? 0) + 1;
      if (!this.#invalidKeys.has(k)) {
        const where = inv.def?.pos ? `${inv.def.pos.file ?? ''}:${inv.def.pos.line}:${inv.def.pos.col}: ` : '';
        this.#o.logger.warn(`${where}invalid route "${inv.id}" (${inv.reason}): ${inv.message}`);
      }
    }
    this.#invalidKeys = keys;
    this.#o.view?.update({ generation, routes: table.routes.map((r) => r.def), invalid: table.invalid });
    this.#o.metrics?.routeTable({ generation, routes: table.routes.length, invalidByReason: byReason });
    this.#o.metrics?.routeUpdate(seconds);
    this.#o.metrics?.skipper?.routeTable(table.routes, table.invalid, seconds);
    this.#o.logger.info(`route table generation ${generation}: ${table.routes.length} routes, ${table.invalid.length} invalid, built in ${(seconds * 1000).toFixed(1)} ms`);
    return table;
  }
}
