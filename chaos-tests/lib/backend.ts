/**
 * A counting backend on 127.0.0.1: counts every request it receives (the ground truth of what the fleet
 * admitted), with timestamps, and can switch to failing (100 % 5xx) or to a fixed capacity (a bounded number
 * of requests served at a time, each taking `serviceMs`, the rest queued) for overload scenarios.
 */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { onCleanup } from './cleanup.ts';

export interface CountingBackend {
  readonly url: string;
  readonly port: number;
  /** Arrival times (ms since epoch) of every request received. */
  readonly arrivals: number[];
  /** Arrival times of requests answered with 5xx. */
  readonly failures: number[];
  /** 'ok' answers 200; 'fail' answers 500. */
  mode: 'ok' | 'fail';
  reset(): void;
  close(): Promise<void>;
}

export interface BackendOptions {
  /** Concurrent requests served; the rest wait in arrival order. Unbounded when absent. */
  capacity?: number;
  /** Time each request takes to serve. */
  serviceMs?: number;
  /** Listen address inside the current network namespace. */
  host?: string;
  port?: number;
}

export async function startCountingBackend(o: BackendOptions = {}): Promise<CountingBackend> {
  const arrivals: number[] = [];
  const failures: number[] = [];
  let busy = 0;
  const waiting: (() => void)[] = [];
  const b = { mode: 'ok' as 'ok' | 'fail' };
  const server: Server = createServer((req, res) => {
    arrivals.push(Date.now());
    req.resume();
    const serve = (): void => {
      const finish = (): void => {
        if (b.mode === 'fail') {
          failures.push(Date.now());
          res.statusCode = 500;
          res.end('down');
        } else res.end('ok');
        busy--;
        waiting.shift()?.();
      };
      busy++;
      if (o.serviceMs) setTimeout(finish, o.serviceMs);
      else finish();
    };
    if (o.capacity !== undefined && busy >= o.capacity) waiting.push(serve);
    else serve();
  });
  server.keepAliveTimeout = 30_000;
  server.listen(o.port ?? 0, o.host ?? '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const close = async (): Promise<void> => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  onCleanup(close);
  return Object.assign(b, {
    url: `http://${o.host ?? '127.0.0.1'}:${port}`,
    port,
    arrivals,
    failures,
    reset: () => {
      arrivals.length = 0;
      failures.length = 0;
    },
    close,
  });
}
