/**
 * The route updater: runs every route source, keeps each source's latest complete list, and hands the merged
 * list to the route pipeline when any changes. Updates arriving while a rebuild is pending coalesce into one
 * (latest wins). Pre-processing (default filters, route changes) is the pipeline's, not the updater's.
 *
 * -max-routes bounds both a source's list and the merged list: one beyond it is refused, at start-up by
 * failing start, later by keeping the source's last good list (or the current table) and reporting it.
 */
import { SkipjackError } from '../errors.ts';
import type { RouteDef } from '../eskip/index.ts';
import type { RouteListChange, RouteSource, RouteSourceUpdate } from './types.ts';

export interface RouteUpdaterOptions {
  sources: readonly RouteSource[];
  /** Compiles and swaps in the merged definitions as generation `generation`; a promise returned is awaited by start(). Must not throw for bad routes. */
  build(defs: RouteDef[], generation: number): unknown;
  /** A source failed after start-up; its last good routes stay. */
  onSourceError(source: RouteSource, err: Error): void;
  /** Per-route problems a source reported with its update (e.g. an unconvertible Kubernetes object). */
  onSourceRouteErrors?(source: RouteSource, errors: NonNullable<RouteSourceUpdate['errors']>): void;
  /** -max-routes; 0 or absent: no bound. */
  maxRoutes?: number;
  /** A merged list over -max-routes was not built after start-up; the current table stays. */
  onGenerationRefused?(err: Error): void;
}

export class RouteUpdater {
  readonly #o: RouteUpdaterOptions;
  readonly #latest = new Map<RouteSource, RouteDef[]>();
  /** Each source's change with its latest list, when it gave one. */
  readonly #changes = new Map<RouteSource, RouteListChange | undefined>();
  #generation = 0;
  #scheduled = false;
  #started = false;
  #stopped = false;

  constructor(o: RouteUpdaterOptions) {
    this.#o = o;
  }

  get generation(): number {
    return this.#generation;
  }

  /**
   * Starts every source and builds the first table once all delivered their first list. Rejects with the
   * first source's start-up error (start-up then fails naming it).
   */
  async start(): Promise<void> {
    await Promise.all(this.#o.sources.map((s) => s.start(
      (u) => this.#update(s, u),
      (err) => this.#o.onSourceError(s, err),
    )));
    this.#started = true;
    // A sliced build returns before its table is in use; started means the first table is.
    await this.#rebuild();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#o.sources.map((s) => s.stop()));
  }

  /** The merged definitions, in source order. */
  merged(): RouteDef[] {
    // One source (a routes file): its list as delivered, which nobody changes afterwards; copying a million
    // definitions per update cost more than parsing the change.
    if (this.#o.sources.length === 1) return this.#latest.get(this.#o.sources[0]!) ?? [];
    const out: RouteDef[] = [];
    for (const s of this.#o.sources) {
      for (const def of this.#latest.get(s) ?? []) out.push(def);
    }
    return out;
  }

  /**
   * How `defs` differs from the list its source delivered before (RouteSourceUpdate.change), when `defs` is the
   * only source's latest list as delivered; undefined otherwise (several sources merged, a pre-processor rebuilt
   * the list, the source gave none). Updates coalesced into one build leave a change from a list never built:
   * the consumer checks `from` against the list it holds.
   */
  changeOf(defs: readonly RouteDef[]): RouteListChange | undefined {
    if (this.#o.sources.length !== 1) return undefined;
    const s = this.#o.sources[0]!;
    return this.#latest.get(s) === defs ? this.#changes.get(s) : undefined;
  }

  #update(source: RouteSource, u: RouteSourceUpdate): void {
    const max = this.#o.maxRoutes ?? 0;
    if (max > 0 && u.routes.length > max) {
      const err = new SkipjackError('SKJ_ERR_TOO_MANY_ROUTES', `route source ${source.name}: ${u.routes.length} routes exceed -max-routes=${max}; ${this.#latest.has(source) ? 'keeping its last good routes' : 'not loaded'}`);
      // Before start-up completes this fails the source's start, and so start-up, naming the source.
      if (!this.#started) throw err;
      this.#o.onSourceError(source, err);
      return;
    }
    this.#latest.set(source, u.routes);
    this.#changes.set(source, u.change);
    if (u.errors !== undefined && u.errors.length > 0) this.#o.onSourceRouteErrors?.(source, u.errors);
    if (!this.#started || this.#scheduled || this.#stopped) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (!this.#stopped) void this.#rebuild();
    });
  }

  #rebuild(): unknown {
    const merged = this.merged();
    const max = this.#o.maxRoutes ?? 0;
    if (max > 0 && merged.length > max) {
      const by = this.#o.sources.map((s) => `${s.name} ${this.#latest.get(s)?.length ?? 0}`).join(', ');
      const err = new SkipjackError('SKJ_ERR_TOO_MANY_ROUTES', `route table: ${merged.length} routes from all sources (${by}) exceed -max-routes=${max}; ${this.#generation === 0 ? 'not built' : `keeping generation ${this.#generation}`}`);
      if (this.#generation === 0) throw err;
      this.#o.onGenerationRefused?.(err);
      return undefined;
    }
    return this.#o.build(merged, ++this.#generation);
  }
}
