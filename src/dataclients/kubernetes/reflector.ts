/**
 * A reflector keeps a local copy of one Kubernetes collection: list, then watch from the list's
 * resourceVersion; re-list after 410 Gone; resume the watch from the last seen resourceVersion after a
 * network error or an idle watch (the watchdog), backing off exponentially while the API is away. The copy is
 * never cleared on errors, so the last good state keeps serving.
 */
import { KubeApiError, type KubeApi, type WatchEvent, type WatchHandle } from './api.ts';
import type { KubeLogger, KubeObject } from './convert/index.ts';
import { objectSize, recordCollectionChange } from './convert/index.ts';

export interface Backoff {
  /** First retry delay. */
  minMs: number;
  /** Cap of the doubling delay. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { minMs: 250, maxMs: 15_000 };

export interface ReflectorOptions {
  api: KubeApi;
  /** Collection path, e.g. `/apis/networking.k8s.io/v1/ingresses`. */
  path: string;
  labelSelector: string;
  backoff?: Backoff;
  /** Called after every change of the local copy (not for bookmarks or no-op re-lists). */
  onChange: () => void;
  /** Called for every failed list or watch; the reflector retries by itself. */
  onError: (err: Error) => void;
  /**
   * Objects estimated larger than this (JSON bytes) are refused: logged by `kind`, namespace and name and left
   * out of the copy (an existing version is dropped), so one absurd object cannot exhaust memory or block the
   * others. Default: no bound.
   */
  maxObjectBytes?: number;
  /** The collection's kind, for the refusal's log line. */
  kind?: string;
  log?: KubeLogger;
}

export class Reflector {
  readonly path: string;
  readonly #o: ReflectorOptions;
  readonly #backoff: Backoff;
  #objects = new Map<string, KubeObject>();
  /** Keys in sorted order, maintained per event (binary search) so a change costs no full re-sort. */
  #keys: string[] = [];
  /** The objects in key order, patched per event; copied before a patch once handed out (copy on write). */
  #sorted: KubeObject[] = [];
  #shared = false;
  /** The array items() handed out last; undefined until the first, and after a re-list (no record then). */
  #handed: KubeObject[] | undefined;
  /** Keys changed by events since that hand-out, with their object then (undefined: none). */
  readonly #touched = new Map<string, KubeObject | undefined>();
  #rv = '';
  #stopped = false;
  #watch: WatchHandle | undefined;
  #wake: (() => void) | undefined;
  /** Counters for tests and metrics. */
  lists = 0;
  watches = 0;

  constructor(o: ReflectorOptions) {
    this.#o = o;
    this.path = o.path;
    this.#backoff = o.backoff ?? DEFAULT_BACKOFF;
  }

  /** The objects, sorted by namespace and name (Skipper's order for ingresses and route groups). */
  items(): KubeObject[] {
    // The same array until the next change, a fresh one after it: consumers may keep the previous snapshot
    // (the incremental converter skips a collection whose array did not change).
    const out = this.#sorted;
    if (this.#handed !== undefined && this.#handed !== out) {
      // What the events changed since the last hand-out, so the converter need not scan the whole collection.
      const added: KubeObject[] = [];
      const removed: KubeObject[] = [];
      for (const [k, was] of this.#touched) {
        const now = this.#objects.get(k);
        if (was === now) continue;
        if (was !== undefined) removed.push(was);
        if (now !== undefined) added.push(now);
      }
      recordCollectionChange(out, { from: this.#handed, added, removed });
    }
    this.#touched.clear();
    this.#handed = out;
    this.#shared = true;
    return out;
  }

  /** Notes `key`'s object as of the last hand-out before an event changes it. */
  #touch(key: string): void {
    if (this.#handed !== undefined && !this.#touched.has(key)) this.#touched.set(key, this.#objects.get(key));
  }

  /**
   * Removes `del` objects at `i` and inserts `o` (if given) in the sorted objects. Once handed out, the array is
   * copied with the edit in one allocation of the final size: a copy and then a splice that grows it allocated
   * twice, the second time 1.5 times the size (over 16,384 elements, a large object costing about 2 ms here).
   */
  #edit(i: number, del: number, o?: KubeObject): void {
    if (this.#shared) {
      this.#sorted = o === undefined ? this.#sorted.toSpliced(i, del) : this.#sorted.toSpliced(i, del, o);
      this.#shared = false;
    } else if (o === undefined) this.#sorted.splice(i, del);
    else this.#sorted.splice(i, del, o);
  }

  /** Lists the collection and replaces the local copy; throws the API error. */
  async list(): Promise<void> {
    const l = await this.#o.api.list(this.#o.path, this.#o.labelSelector);
    this.lists++;
    const next = new Map<string, KubeObject>();
    for (const o of l.items) if (o?.metadata && !this.#refused(o)) next.set(keyOf(o), trim(o));
    const changed = !sameObjects(this.#objects, next);
    this.#objects = next;
    // The API lists in etcd key order, which is this order: checking costs one pass, sorting 50,000 keys far more.
    const keys = [...next.keys()];
    this.#keys = isSorted(keys) ? keys : keys.sort();
    this.#sorted = this.#keys.map((k) => next.get(k)!);
    this.#shared = false;
    // A re-list replaces everything: consumers compare the next snapshot object by object.
    this.#handed = undefined;
    this.#touched.clear();
    this.#rv = l.resourceVersion;
    if (changed) this.#changed();
  }

  /** Watches until stop(), re-listing and backing off as needed. Call after a successful list(). */
  run(): void {
    void this.#loop();
  }

  stop(): void {
    this.#stopped = true;
    this.#watch?.abort();
    this.#wake?.();
  }

  async #loop(): Promise<void> {
    let failures = 0;
    let needList = false;
    while (!this.#stopped) {
      try {
        if (needList) {
          await this.list();
          needList = false;
        }
        const started = Date.now();
        const end = await this.#watchOnce();
        if (this.#stopped) return;
        if (end.err && !end.gone) throw end.err;
        failures = 0;
        needList = end.gone;
        // A watch the server ends at once (closed, or Gone right after a re-list) must not become a tight loop.
        if (Date.now() - started < this.#backoff.minMs) await this.#sleep(this.#backoff.minMs);
      } catch (err) {
        if (this.#stopped) return;
        failures++;
        this.#o.onError(err as Error);
        const base = Math.min(this.#backoff.maxMs, this.#backoff.minMs * 2 ** Math.min(failures - 1, 16));
        await this.#sleep(base / 2 + Math.random() * (base / 2));
      }
    }
  }

  #watchOnce(): Promise<{ gone: boolean; err?: KubeApiError }> {
    return new Promise((resolve) => {
      let gone = false;
      const onEvent = (e: WatchEvent): void => {
        if (e.type === 'ERROR') {
          if (e.object?.code === 410) gone = true;
          return;
        }
        const rv = e.object?.metadata?.resourceVersion;
        if (typeof rv === 'string' && rv !== '') this.#rv = rv;
        if (e.type === 'BOOKMARK' || !e.object?.metadata) return;
        const key = keyOf(e.object);
        if (e.type === 'DELETED' || this.#refused(e.object)) {
          if (this.#objects.has(key)) {
            this.#touch(key);
            this.#objects.delete(key);
            const i = lowerBound(this.#keys, key);
            this.#keys.splice(i, 1);
            this.#edit(i, 1);
            this.#changed();
          }
        } else {
          const o = trim(e.object);
          this.#touch(key);
          const i = lowerBound(this.#keys, key);
          if (this.#objects.has(key)) this.#edit(i, 1, o);
          else {
            this.#keys.splice(i, 0, key);
            this.#edit(i, 0, o);
          }
          this.#objects.set(key, o);
          this.#changed();
        }
      };
      const done = (err: KubeApiError | undefined): void => {
        this.#watch = undefined;
        if (err?.status === 410) return resolve({ gone: true });
        // An idle watch (no event, no bookmark within the watchdog time) just resumes from the last version.
        if (err && err.status === 0 && /TimeoutError|timeout/i.test(err.message)) return resolve({ gone });
        resolve(err ? { gone, err } : { gone });
      };
      this.watches++;
      this.#o.api.watch(this.#o.path, this.#rv, this.#o.labelSelector, onEvent, done).then(
        (h) => {
          if (this.#stopped) h.abort();
          else this.#watch = h;
        },
        (err: Error) => resolve({ gone, err: new KubeApiError(this.#o.path, 0, err.message) }),
      );
      if (this.#stopped) resolve({ gone });
    });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(t);
        this.#wake = undefined;
        resolve();
      };
    });
  }

  /** True (and logged) when the object is over the size bound. */
  #refused(o: KubeObject): boolean {
    const max = this.#o.maxObjectBytes;
    if (max === undefined || objectSize(o, max) <= max) return false;
    this.#o.log?.({
      level: 'error',
      msg: `refused: larger than the ${max} bytes allowed per object (-kubernetes-max-object-bytes)`,
      kind: this.#o.kind ?? o.kind,
      ns: o.metadata.namespace ?? '',
      name: o.metadata.name ?? '',
    });
    return true;
  }

  #changed(): void {
    this.#o.onChange();
  }
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Drops what no route depends on but real API objects carry in bulk: managedFields and kubectl's copy of the
 * whole object in an annotation (together often larger than the object). Done on the freshly decoded object,
 * before anyone else holds it.
 */
function trim(o: KubeObject): KubeObject {
  delete o.metadata.managedFields;
  if (o.metadata.annotations && LAST_APPLIED in o.metadata.annotations) delete o.metadata.annotations[LAST_APPLIED];
  return o;
}

function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}

/** The index of the first key not less than `key`. */
function lowerBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

/** Same keys with the same resourceVersions: a re-list that changed nothing triggers no conversion. */
function sameObjects(a: Map<string, KubeObject>, b: Map<string, KubeObject>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, o] of b) {
    const old = a.get(k);
    if (!old || old.metadata.resourceVersion === undefined || old.metadata.resourceVersion !== o.metadata.resourceVersion) return false;
  }
  return true;
}
