/**
 * The route pipeline: merged definitions → pre-processors (in order) → compile → swap → post-processors.
 * skipjack and skipjack-routesrv run the same pre-processors (listed once by the composition root), so a
 * fleet fed by the route server gets the routes a standalone skipjack would build. A pre-processor is a
 * pure function of the list and must keep the identity of definitions it leaves alone: the incremental
 * compile recognises unchanged routes by identity.
 */
import type { RouteDef } from '../eskip/index.ts';
import type { RouteCompiler } from './compile.ts';
import type { InvalidRoute, RouteTable } from './types.ts';

/** One step over the merged definitions before compilation (default filters, -clone-route, -edit-route, …). */
export interface RoutePreprocessor {
  /** Named in logs. */
  readonly name: string;
  /** The changed list, or `defs` itself when nothing changed. Must not throw for a bad route. */
  process(defs: RouteDef[]): RouteDef[];
}

/** What the pipeline tells post-processors about one built table. */
export interface BuiltTable {
  readonly table: RouteTable;
  readonly generation: number;
  /** The definitions after pre-processing, as compiled. */
  readonly defs: readonly RouteDef[];
  /** Compile time. */
  readonly seconds: number;
}

/** Sees each table once it is current (/routes, route metrics, logs, handing the list to workers). */
export interface RoutePostprocessor {
  readonly name: string;
  built(b: BuiltTable): void;
}

export interface RoutePipelineOptions {
  pre?: readonly RoutePreprocessor[];
  /** Its `sliced` form is used when it has one (see compile.ts' incrementalCompiler). */
  compile: RouteCompiler;
  /** Makes `table` current; the previous table is released by whoever pins it (the holder). */
  swap(table: RouteTable): void;
  post?: readonly RoutePostprocessor[];
}

/** Runs `pre` over `defs` in order. */
export function preprocess(pre: readonly RoutePreprocessor[], defs: RouteDef[]): RouteDef[] {
  let out = defs;
  for (const p of pre) out = p.process(out);
  return out;
}

/** A build asked for while another ran, with everyone waiting for it. */
interface PendingBuild {
  merged: RouteDef[];
  generation: number;
  readonly waiters: { resolve(t: RouteTable): void; reject(e: unknown): void }[];
}

/**
 * One route pipeline; `apply` runs it for one generation. Builds run one at a time (a sliced compile hands
 * the event loop back while it works): lists applied meanwhile coalesce, the latest wins.
 */
export class RoutePipeline {
  readonly #o: RoutePipelineOptions;
  readonly #pre: readonly RoutePreprocessor[];
  readonly #post: readonly RoutePostprocessor[];
  #table: RouteTable | null = null;
  #pending: PendingBuild | null = null;
  #busy = false;

  constructor(o: RoutePipelineOptions) {
    this.#o = o;
    this.#pre = o.pre ?? [];
    this.#post = o.post ?? [];
  }

  /** The current table, null before the first apply. */
  get table(): RouteTable | null {
    return this.#table;
  }

  /**
   * Builds and swaps in `merged` as `generation`. Resolves with the table once it is current, or with a
   * later one when a newer list arrived before this build started (that list superseded this one).
   */
  apply(merged: RouteDef[], generation: number): Promise<RouteTable> {
    return new Promise((resolve, reject) => {
      if (this.#pending === null) this.#pending = { merged, generation, waiters: [] };
      else {
        this.#pending.merged = merged;
        this.#pending.generation = generation;
      }
      this.#pending.waiters.push({ resolve, reject });
      if (!this.#busy) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#busy = true;
    try {
      while (this.#pending !== null) {
        const job = this.#pending;
        this.#pending = null;
        try {
          const table = await this.#build(job.merged, job.generation);
          for (const w of job.waiters) w.resolve(table);
        } catch (e) {
          for (const w of job.waiters) w.reject(e);
        }
      }
    } finally {
      this.#busy = false;
    }
  }

  async #build(merged: RouteDef[], generation: number): Promise<RouteTable> {
    const defs = preprocess(this.#pre, merged);
    const started = performance.now();
    const sliced = this.#o.compile.sliced;
    const table = sliced !== undefined ? await sliced(defs, generation) : this.#o.compile(defs, generation);
    this.#o.swap(table);
    this.#table = table;
    const b: BuiltTable = { table, generation, defs, seconds: (performance.now() - started) / 1000 };
    for (const p of this.#post) p.built(b);
    return table;
  }
}

/** The logger a post-processor needs; satisfied by src/log's Logger. */
export interface RouteLog {
  info(message: string): void;
  warn(message: string): void;
}

function key(inv: InvalidRoute): string {
  return `${inv.id}\u0000${inv.reason}\u0000${inv.message}`;
}

/** What a route log line needs of one generation: a compiled table, or a worker's report of one (-workers N). */
export interface GenerationSummary {
  readonly generation: number;
  readonly routes: number;
  readonly invalid: readonly InvalidRoute[];
  readonly seconds: number;
}

/**
 * Logs each generation's size and what became invalid. Only changes are logged, so a steady stream of
 * updates from Kubernetes does not repeat the same complaint on every build.
 */
export function generationLog(log: RouteLog): (s: GenerationSummary) => void {
  let invalidKeys = new Set<string>();
  return ({ generation, routes, invalid, seconds }) => {
    const keys = new Set<string>();
    for (const inv of invalid) {
      const k = key(inv);
      keys.add(k);
      if (!invalidKeys.has(k)) {
        const d = inv.def;
        // A route from a file names its position; one from Kubernetes names the object it came from.
        const where = d?.pos ? `${d.pos.file ?? ''}:${d.pos.line}:${d.pos.col}: ` : d?.kind ? `${d.kind} ${d.namespace}/${d.name}: ` : '';
        log.warn(`${where}invalid route "${inv.id}" (${inv.reason}): ${inv.message}`);
      }
    }
    invalidKeys = keys;
    log.info(`route table generation ${generation}: ${routes} routes, ${invalid.length} invalid, built in ${(seconds * 1000).toFixed(1)} ms`);
  };
}

/** generationLog as a post-processor of compiled tables. */
export function routeLog(log: RouteLog): RoutePostprocessor {
  const logOne = generationLog(log);
  return {
    name: 'route log',
    built: ({ table, generation, seconds }) => logOne({ generation, routes: table.routes.length, invalid: table.invalid, seconds }),
  };
}

/** Invalid routes counted by reason code, for the route metrics. */
export function invalidByReason(invalid: readonly InvalidRoute[]): Record<string, number> {
  const byReason: Record<string, number> = {};
  for (const inv of invalid) byReason[inv.reason] = (byReason[inv.reason] ?? 0) + 1;
  return byReason;
}
