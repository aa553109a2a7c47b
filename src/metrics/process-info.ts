/**
 * Build info and the standard, unprefixed process metrics (`process_start_time_seconds`,
 * `process_cpu_seconds_total`, `process_resident_memory_bytes`) that generic dashboards and alerts — and
 * Skipper's, which get them from client_golang's process collector — query. With workers the instance
 * reports its primary's start time (`min`) and the sum of its processes' CPU and memory.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { readVersion } from '../version.ts';

const startSeconds = Math.floor(Date.now() / 1000 - process.uptime());

export function registerProcessInfo(registry: Registry): void {
  const registers = [registry];
  const build = new Gauge({ name: 'skipjack_build_info', help: 'Always 1; the labels name the running build', labelNames: ['version', 'nodejs_version'], registers, aggregator: 'max' });
  build.labels(readVersion(), process.version).set(1);
  const start = new Gauge({ name: 'process_start_time_seconds', help: 'Start time of the process since unix epoch in seconds.', registers, aggregator: 'min' });
  start.set(startSeconds);
  new Gauge({
    name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.', registers, aggregator: 'sum',
    collect() {
      this.set(process.memoryUsage.rss());
    },
  });
  new Counter({
    name: 'process_cpu_seconds_total', help: 'Total user and system CPU time spent in seconds.', registers, aggregator: 'sum',
    collect() {
      const u = process.cpuUsage();
      this.reset();
      this.inc((u.user + u.system) / 1e6);
    },
  });
}
