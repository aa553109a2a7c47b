/**
 * The instance's local buckets reached from a worker: the primary holds an {@link InProcessLimiter} and
 * answers decisions over an {@link InstanceChannel}, so every worker counts into the same buckets.
 */
import type { Worker } from 'node:cluster';
import { InstanceChannel, serveInstanceChannel } from '../lifecycle/index.ts';
import type { BucketSpec, InProcessLimiter, InstanceLimiter } from './instance-limiter.ts';
import { ALLOWED, type LocalDecision } from './sliding-log.ts';

const CHANNEL = 'ratelimit';

/** [bucket id, maxHits, windowMs, client key]: a tuple keeps the IPC message small. */
type Query = [string, number, number, string];
/** Retry-after in ms; -1 means allowed. */
type Answer = number;

/** In a worker: decisions made by the primary's buckets. */
export class IpcLimiter implements InstanceLimiter {
  readonly #channel: InstanceChannel<Query, Answer>;
  constructor(o: { timeoutMs?: number } = {}) {
    this.#channel = new InstanceChannel<Query, Answer>(CHANNEL, o);
  }
  async allow(bucket: BucketSpec, key: string): Promise<LocalDecision> {
    const a = await this.#channel.request([bucket.id, bucket.maxHits, bucket.windowMs, key]);
    return a < 0 ? ALLOWED : { allowed: false, retryAfterMs: a };
  }
}

/** In the primary: answers the workers' decisions from `limiter`. Returns a function that stops serving. */
export function serveIpcLimiter(limiter: InProcessLimiter): () => void {
  return serveInstanceChannel<Query, Answer>(CHANNEL, (q: Query, _w: Worker) => {
    const [id, maxHits, windowMs, key] = q;
    // Workers send what their registry made; anything else is a bug to report, not a bucket to allocate.
    if (!Number.isInteger(maxHits) || maxHits < 1 || !(windowMs > 0) || typeof id !== 'string' || typeof key !== 'string') {
      throw new Error(`bad rate-limit query ${JSON.stringify(q)}`);
    }
    const d = limiter.allow({ id, maxHits, windowMs }, key);
    return d.allowed ? -1 : d.retryAfterMs;
  });
}
