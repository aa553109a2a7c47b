/** Go listen addresses (`:9090`, `127.0.0.1:0`, `[::1]:80`, `localhost:8080`) as node:net listen options. */

import { parseListenAddress, type ListenAddress } from '../net/index.ts';

export { parseListenAddress, type ListenAddress };

/** A printable URL authority for logs: `127.0.0.1:9090`, `[::1]:80`, `:9090` for every interface. */
export function formatAddress(host: string | undefined, port: number): string {
  if (host === undefined || host === '' || host === '::' || host === '0.0.0.0') return `:${port}`;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Listens on a Go-style address and resolves with the bound address. A failure (port in use, address not
 * local) rejects with one line naming the flag and the address.
 */
export async function listenOn(server: import('node:net').Server, address: string, flag = 'address'): Promise<import('node:net').AddressInfo> {
  const { host, port } = parseListenAddress(address);
  await new Promise<void>((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException): void => {
      const why = err.code === 'EADDRINUSE' ? 'address already in use (EADDRINUSE)' : err.code === 'EADDRNOTAVAIL' ? 'address not available on this host (EADDRNOTAVAIL)' : err.message;
      reject(new Error(`cannot listen on -${flag} ${address}: ${why}`));
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  return server.address() as import('node:net').AddressInfo;
}

/**
 * What the start-up log says about a bound listener: a clickable URL, and for an address without a host
 * (Go's `:9911`) that it listens on every interface, so `localhost` in the URL is not read as a loopback-only bind.
 */
export function urlOf(bound: { address?: string | null; port: number }, scheme: string, configured: string): string {
  const everywhere = parseListenAddress(configured).host === undefined || !bound.address;
  const host = everywhere ? 'localhost' : formatAddress(bound.address!, bound.port).replace(/:\d+$/, '');
  return `${scheme}://${host}:${bound.port}/${everywhere ? ' (all interfaces)' : ''}`;
}
