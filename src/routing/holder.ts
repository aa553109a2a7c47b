/**
 * Holds the current route table and counts the requests pinned to each generation, so that a retired
 * generation releases its resources (filter instances) when its last request ends, and at once when none
 * is pinned. A request pins one generation for its whole life, loopbacks included.
 */
import type { RouteTable } from './types.ts';

export class RouteTableHolder {
  #current: RouteTable;
  /**
   * Requests on the current table: a counter, not a Map entry that comes and goes whenever the count
   * touches 0 (a Map churned per request keeps request-time garbage alive across young-generation
   * collections; see ConnList in src/server/http-server.ts).
   */
  #currentPins = 0;
  /** Retired generations that requests still hold, with their counts. */
  readonly #retired = new Map<RouteTable, number>();

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
    if (this.#currentPins > 0) this.#retired.set(old, this.#currentPins);
    else old.release();
    this.#current = table;
    // A table that comes back while still pinned (never by the route updater, which compiles new ones).
    this.#currentPins = this.#retired.get(table) ?? 0;
    this.#retired.delete(table);
  }

  /** Pins the current table for a request; pair every call with done(). */
  acquire(): RouteTable {
    this.#currentPins++;
    return this.#current;
  }

  /** Unpins a table acquired earlier; releases it when it is retired and this was its last request. */
  done(table: RouteTable): void {
    if (table === this.#current) {
      if (this.#currentPins === 0) throw new Error(`RouteTableHolder.done: generation ${table.generation} is not pinned`);
      this.#currentPins--;
      return;
    }
    const n = this.#retired.get(table);
    if (n === undefined) throw new Error(`RouteTableHolder.done: generation ${table.generation} is not pinned`);
    if (n > 1) {
      this.#retired.set(table, n - 1);
      return;
    }
    this.#retired.delete(table);
    table.release();
  }
}
