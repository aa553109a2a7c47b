/**
 * The Kubernetes API as the data client uses it: GET a list or a discovery document, and watch a collection,
 * all through @kubernetes/client-node (its KubeConfig for the server, token and CA; its HTTP library for
 * requests; its Watch for event streams). Objects are kept as the raw JSON the API sent, because the
 * conversion reads annotations and spec fields the generated models would drop or rename.
 */
import { readFileSync } from 'node:fs';
import { HttpMethod, IsomorphicFetchHttpLibrary, KubeConfig, RequestContext, Watch } from '@kubernetes/client-node';
import type { KubeObject } from './convert/index.ts';
import type { KubeOptions } from './options.ts';

/** An API request that did not answer 200; `status` is 0 for network failures. */
export class KubeApiError extends Error {
  readonly status: number;
  readonly path: string;
  constructor(path: string, status: number, message: string) {
    super(message);
    this.name = 'KubeApiError';
    this.status = status;
    this.path = path;
  }
}

export interface KubeList {
  items: KubeObject[];
  resourceVersion: string;
}

export type WatchEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'; object: any };

/** An open watch; `abort` ends it without calling `done`. */
export interface WatchHandle {
  abort(): void;
}

/** Skipper's default when neither -kubernetes-url nor in-cluster is given (kubectl proxy). */
const DEFAULT_URL = 'http://localhost:8001';

/**
 * Builds the client-node configuration from the data-client options. In-cluster: the service account's API
 * address, CA and token (the URL and token file flags are ignored, as in Skipper). Otherwise the URL (default
 * kubectl proxy's) with an optional token file, re-read every minute because projected tokens rotate.
 */
export function kubeConfigFromOptions(opts: Pick<KubeOptions, 'inCluster' | 'url' | 'tokenFile'>): KubeConfig {
  const kc = new KubeConfig();
  if (opts.inCluster) {
    kc.loadFromCluster();
    return kc;
  }
  if (opts.tokenFile) readFileSync(opts.tokenFile); // fail at start-up, naming the file, rather than per request
  const server = (opts.url || DEFAULT_URL).replace(/\/+$/, '');
  kc.loadFromClusterAndUser(
    // client-node refuses plain http unless TLS verification is "skipped"; there is no TLS to verify then.
    { name: 'skipjack', server, skipTLSVerify: server.startsWith('http:') },
    opts.tokenFile
      ? { name: 'skipjack', authProvider: { name: 'tokenFile', config: { tokenFile: opts.tokenFile } } }
      : { name: 'skipjack' },
  );
  return kc;
}

export class KubeApi {
  readonly #kc: KubeConfig;
  readonly #http = new IsomorphicFetchHttpLibrary();
  readonly #watch: Watch;

  /** `watchIdleMs` ends a watch that delivered nothing (not even a bookmark) for that long. */
  constructor(kc: KubeConfig, watchIdleMs = 5 * 60_000) {
    this.#kc = kc;
    this.#watch = new Watch(kc);
    // The watchdog: client-node aborts a watch stream that stayed silent this long (a private knob in 2.x).
    (this.#watch as unknown as { requestTimeoutMs: number }).requestTimeoutMs = watchIdleMs;
  }

  get server(): string {
    return this.#kc.getCurrentCluster()?.server ?? '';
  }

  /** GETs a JSON document; a non-200 answer becomes a KubeApiError with Skipper's wording. */
  async getJSON(path: string, query: Record<string, string> = {}): Promise<any> {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const ctx = new RequestContext(url.toString(), HttpMethod.GET);
    ctx.setHeaderParam('Accept', 'application/json');
    await this.#kc.applySecurityAuthentication(ctx);
    let rsp;
    try {
      rsp = await this.#http.send(ctx).toPromise();
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message;
      throw new KubeApiError(path, 0, `request to ${path} failed: ${cause ?? (err as Error).message}`);
    }
    const text = await rsp.body.text();
    if (rsp.httpStatusCode === 404) throw new KubeApiError(path, 404, `resource not found: ${path}`);
    if (rsp.httpStatusCode !== 200) {
      throw new KubeApiError(path, rsp.httpStatusCode, `request failed, status: ${rsp.httpStatusCode}, ${path}`);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new KubeApiError(path, 200, `invalid response format from ${path}`);
    }
  }

  /** Lists a collection; `labelSelector` is the `k=v,k2=v2` form. */
  async list(path: string, labelSelector = ''): Promise<KubeList> {
    const body = await this.getJSON(path, labelSelector ? { labelSelector } : {});
    const items = Array.isArray(body?.items) ? (body.items as KubeObject[]) : [];
    return { items, resourceVersion: String(body?.metadata?.resourceVersion ?? '') };
  }

  /**
   * Watches a collection from `resourceVersion`. `done` is called once when the stream ends for any reason
   * other than abort(): server close, network error, idle timeout or a non-200 answer (`status` set).
   */
  async watch(
    path: string,
    resourceVersion: string,
    labelSelector: string,
    onEvent: (e: WatchEvent) => void,
    done: (err: KubeApiError | undefined) => void,
  ): Promise<WatchHandle> {
    let aborted = false;
    const query: Record<string, string> = { resourceVersion, allowWatchBookmarks: 'true' };
    if (labelSelector) query.labelSelector = labelSelector;
    const controller = await this.#watch.watch(
      path,
      query,
      (type: string, object: unknown) => {
        if (!aborted) onEvent({ type: type as WatchEvent['type'], object });
      },
      (err: unknown) => {
        if (aborted) return;
        aborted = true;
        if (err === null || err === undefined) return done(undefined);
        const e = err as { statusCode?: number; message?: string; name?: string };
        done(new KubeApiError(path, e.statusCode ?? 0, `watch ${path} ended: ${e.message ?? e.name ?? String(err)}`));
      },
    );
    return {
      abort() {
        aborted = true;
        controller.abort();
      },
    };
  }
}
