/**
 * The outgoing HTTP clients shared by everything that calls out besides the proxy's own backend pool: shadow
 * traffic (tee), and later webhooks and token endpoints. One keep-alive undici Agent per redirect policy,
 * made on first use and closed when the owning process role stops this service, so no socket outlives it.
 */
import { Agent, interceptors, type Dispatcher } from 'undici';
import type { Service } from '../lifecycle/index.ts';

/** Redirects a following client takes before giving up (undici's interceptor bound). */
const MAX_REDIRECTIONS = 10;

export class HttpClients implements Service {
  readonly name = 'http clients';
  #base: Agent | null = null;
  #following: Dispatcher | null = null;
  #stopped = false;

  /** The shared client; `followRedirects` composes undici's redirect interceptor over the same pool. */
  client(followRedirects: boolean): Dispatcher {
    if (this.#stopped) throw new Error('http clients: used after stop');
    this.#base ??= new Agent();
    if (!followRedirects) return this.#base;
    return (this.#following ??= this.#base.compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTIONS })));
  }

  async start(): Promise<void> {}

  /** Closes the pool: requests in flight finish, idle sockets close. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const base = this.#base;
    this.#base = null;
    this.#following = null;
    if (base !== null) await base.close();
  }
}
