import CircuitBreaker from 'opossum';
import { Histogram, Registry } from 'prom-client';
const N = 200_000;
async function time(name: string, f: () => Promise<unknown>) {
  for (let i = 0; i < 20000; i++) await f();
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) await f();
  const c = process.cpuUsage(c0);
  console.log(name.padEnd(20), ((c.user + c.system) / N).toFixed(2), 'µs/call');
}
const b = new CircuitBreaker(async (x: number) => x, { timeout: false, errorThresholdPercentage: 50, volumeThreshold: 3, resetTimeout: 500, rollingCountTimeout: 1000, rollingCountBuckets: 10, rollingPercentilesEnabled: false, enableSnapshots: false });
const h = new Histogram({ name: 'x', help: 'x', buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25], registers: [new Registry()] });
await time('plain async', async () => 1);
await time('opossum fire', () => b.fire(1));
await time('histogram observe', async () => h.observe(0.0003));
