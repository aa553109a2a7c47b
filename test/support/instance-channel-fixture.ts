/**
 * A node:cluster primary and worker for the InstanceChannel test: the primary serves channels, forks one
 * worker (this file again), and prints the worker's findings as one JSON line on stdout.
 */
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { InstanceChannel, serveInstanceChannel } from '../../src/lifecycle/instance-channel.ts';
import { LocalLimiter } from '../../src/ratelimit/limiter.ts';
import { IpcLimiter } from '../../src/ratelimit/ipc-limiter.ts';

if (cluster.isPrimary) {
  let batches = 0;
  serveInstanceChannel<number, number>('double', (q) => q * 2);
  serveInstanceChannel<number, number>('slow', (q) => new Promise((r) => setTimeout(() => r(q + 1), 5)));
  serveInstanceChannel<number, number>('broken', (q) => {
    if (q === 3) throw new Error('three is not allowed');
    return q;
  });
  cluster.on('message', (_w, m: { type?: string; channel?: string }) => {
    if (m?.type === 'skj:chan-req' && m.channel === 'double') batches++;
  });
  // Nobody serves 'ratelimit' or 'silent': the worker's requests there time out.
  cluster.setupPrimary({ exec: fileURLToPath(import.meta.url), serialization: 'advanced' });
  const w = cluster.fork();
  w.on('message', (m: { report?: unknown }) => {
    if (m?.report === undefined) return;
    process.stdout.write(`${JSON.stringify({ ...(m.report as object), batches })}\n`);
    w.kill();
    process.exit(0);
  });
  setTimeout(() => {
    process.stderr.write('fixture: no report in 20 s\n');
    process.exit(1);
  }, 20_000).unref();
} else {
  const settle = <T>(p: Promise<T>) => p.then((v) => ({ ok: true, v: v as unknown }), (e: Error) => ({ ok: false, v: e.message }));
  const double = new InstanceChannel<number, number>('double');
  const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => double.request(i)));
  // requestNow sends what is queued with it at once; what follows in the same turn is a second batch.
  const now = await Promise.all([double.request(1), double.request(2), double.requestNow(3), double.request(4)]);
  const slow = await Promise.all([1, 2, 3].map((q) => new InstanceChannel<number, number>('slow').request(q)));
  const broken = new InstanceChannel<number, number>('broken');
  const brokenBatch = await Promise.all([1, 2, 3].map((q) => settle(broken.request(q))));
  const brokenAfter = await settle(broken.request(1));
  const silent = await settle(new InstanceChannel<number, number>('silent', { timeoutMs: 200 }).request(1));
  let fallbacks = 0;
  const limiter = new LocalLimiter({ kind: 'service', maxHits: 1, windowMs: 60_000, group: '', identity: '' }, 'x', new IpcLimiter({ timeoutMs: 200 }), {
    count: (o) => {
      if (o === 'fallback') fallbacks++;
    },
  });
  const verdict = await limiter.check('');
  process.send!({ report: { answers, now, slow, brokenBatch, brokenAfter, silent, verdict, fallbacks } });
}
