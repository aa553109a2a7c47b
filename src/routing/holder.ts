/**
 * Holds the current route table and counts the requests pinned to each generation, so that a retired
 * generation releases its resources (filter instances) when its last request ends, and at once when none
 * is pinned. A request pins one generation for its whole life, loopbacks included.
 */
import type { RouteTable } from './types.ts';

export class RouteTableHolder {
  #current: RouteTable;
  readonly #pins = new Map<RouteTable, number>();

  constructor(initial: RouteTable) {
    this.#current = initial;
  }

  /** The table new requests use. */
  get current(): RouteTable {
    return this.#current;
  }

  /** Installs `table` in one assignment; the previous one is released once no request holds it. */
  swap(table: RouteTable): void {
    const old = this.#current;
    if (old === table) return;
    this.#current = table;
    if (!this.#pins.has(old)) old.release();
  }

  /** Pins the current table for a request; pair every call with done(). */
  acquire(): RouteTable {
    const t = this.#current;
    this.#pins.set(t, (this.#pins.get(t) ?? 0) + 1);
    return t;
  }

  /** Unpins a table acquired earlier; releases it when it is retired and this was its last request. */
  done(table: RouteTable): void {
    const n = this.#pins.get(table);
    if (n === undefined) throw new Error(`RouteTableHolder.done: generation ${table.generation} is not pinned`);
    if (n > 1) {
      this.#pins.set(table, n - 1);
      return;
    }
    this.#pins.delete(table);
    if (table !== this.#current) table.release();
  }
}
