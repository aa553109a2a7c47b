/**
 * The swarm limiter of the instance reached from a worker: with gossip, the libp2p node and its counts live
 * once per instance in the primary, and workers ask it over an {@link InstanceChannel} (batched per event-loop
 * turn), so the swarm sees one member per instance however many workers serve.
 */
import type { Worker } from 'node:cluster';
import { InstanceChannel, serveInstanceChannel } from '../lifecycle/index.ts';
import type { Decision, LimitSettings, SwarmLimiter } from './ports.ts';

const CHANNEL = 'swarm-ratelimit';

/** [group, maxHits, windowMs, key, failClosed]: a tuple keeps the IPC message small. */
type Query = [string, number, number, string, boolean];
/** [allowed, retryAfterMs, source]. */
type Answer = [boolean, number, Decision['source']];

/** In a worker: decisions made by the primary's swarm limiter. */
export class IpcSwarmLimiter implements SwarmLimiter {
  readonly #channel: InstanceChannel<Query, Answer>;
  constructor(o: { timeoutMs?: number } = {}) {
    this.#channel = new InstanceChannel<Query, Answer>(CHANNEL, o);
  }

  async allow(limit: LimitSettings, key: string, failClosed: boolean): Promise<Decision> {
    const [allowed, retryAfterMs, source] = await this.#channel.request([limit.group, limit.maxHits, limit.windowMs, key, failClosed]);
    return { allowed, retryAfterMs, source };
  }
}

/** In the primary: answers the workers' decisions from `limiter`. Returns a function that stops serving. */
export function serveIpcSwarmLimiter(limiter: SwarmLimiter): () => void {
  return serveInstanceChannel<Query, Answer>(CHANNEL, async (q: Query, _w: Worker) => {
    const [group, maxHits, windowMs, key, failClosed] = q;
    if (typeof group !== 'string' || !Number.isInteger(maxHits) || maxHits < 1 || !(windowMs > 0) || typeof key !== 'string') {
      throw new Error(`bad swarm rate-limit query ${JSON.stringify(q)}`);
    }
    const d = await limiter.allow({ group, maxHits, windowMs }, key, failClosed === true);
    return [d.allowed, d.retryAfterMs, d.source];
  });
}
