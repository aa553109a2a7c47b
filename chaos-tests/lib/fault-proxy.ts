/**
 * A fault-injecting TCP proxy: forwards connections from `listen` to `target` while healthy; broken, it
 * resets every new connection and every open one (a broken network path, seen by the client as ECONNRESET).
 * Usable in-process (startFaultProxy) or as a process inside a network namespace:
 *   node fault-proxy.ts <listenHost:port> <targetHost:port>   — prints "listening", reads "break"/"heal" lines.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface FaultProxy {
  readonly port: number;
  break(): void;
  heal(): void;
  /** Connections reset while broken. */
  resets(): number;
  close(): Promise<void>;
}

function split(hostPort: string): [string, number] {
  const i = hostPort.lastIndexOf(':');
  return [hostPort.slice(0, i), Number(hostPort.slice(i + 1))];
}

export async function startFaultProxy(listen: string, target: string): Promise<FaultProxy> {
  const [lh, lp] = split(listen);
  const [th, tp] = split(target);
  let broken = false;
  let resets = 0;
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (broken) {
      resets++;
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(tp, th);
    open.add(client);
    open.add(upstream);
    const drop = (): void => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  server.listen(lp, lh);
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    break() {
      broken = true;
      for (const s of open) s.resetAndDestroy();
      open.clear();
    },
    heal() {
      broken = false;
    },
    resets: () => resets,
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const p = await startFaultProxy(process.argv[2]!, process.argv[3]!);
  console.log(`listening ${p.port}`);
  createInterface({ input: process.stdin }).on('line', (l) => {
    if (l.trim() === 'break') p.break();
    if (l.trim() === 'heal') p.heal();
    console.log(`${l.trim()} resets=${p.resets()}`);
  }).on('close', () => process.exit(0));
}
