/**
 * Ports for servers a test starts with a fixed port (redis-server, gossip nodes, static swarm members).
 *
 * A port from `listen(0)` is in the kernel's ephemeral range, and once closed the kernel may hand it to the next
 * `listen(0)` anywhere on the machine (another test's support listener took a gossip port that way in CI). So
 * these ports come from below the ephemeral range, where `listen(0)` never lands, and each is probed before it
 * is handed out; within one process a port is never handed out twice.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const handedOut = new Set<number>();

/** Lowest port of the kernel's ephemeral range (Linux default 32768). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(low) && low > 12_000) return low;
  } catch {
    // not Linux: fall through to the common default
  }
  return 32_768;
}

const LOW = 10_000;
const HIGH = ephemeralLow() - 1;

function probe(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** A port outside the ephemeral range that was free on `host` a moment ago. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const span = HIGH - LOW + 1;
  // Spread processes apart so parallel test files rarely probe the same ports.
  let port = LOW + ((process.pid * 7919 + Math.floor(Math.random() * span)) % span);
  for (let tries = 0; tries < 2_000; tries++, port = port >= HIGH ? LOW : port + 1) {
    if (handedOut.has(port)) continue;
    if (await probe(port, host)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${LOW} and ${HIGH} on ${host}`);
}

/** `n` distinct free ports on `host`. */
export async function freePorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await freePort(host));
  return out;
}
