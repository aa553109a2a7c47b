/** Go listen addresses (`:9090`, `127.0.0.1:0`, `[::1]:80`, `localhost:8080`) as node:net listen options. */

export interface ListenAddress {
  /** undefined: every interface, as Go listens for `:port`. */
  host: string | undefined;
  port: number;
}

/** Parses a Go listen address; throws naming what is wrong, as Go's net.SplitHostPort and port check would. */
export function parseListenAddress(addr: string): ListenAddress {
  const i = addr.lastIndexOf(':');
  if (i < 0) throw new Error(`invalid address "${addr}": missing port (e.g. :9090)`);
  let host = addr.slice(0, i);
  const portText = addr.slice(i + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  else if (host.includes(':') || host.includes('[') || host.includes(']')) throw new Error(`invalid address "${addr}": an IPv6 host needs brackets, e.g. [::1]:9090`);
  if (/[\s/?#@]/.test(host)) throw new Error(`invalid address "${addr}": bad host`);
  if (!/^\d{0,5}$/.test(portText)) throw new Error(`invalid address "${addr}": port must be a number from 0 to 65535`);
  const port = portText === '' ? 0 : Number(portText);
  if (port > 65535) throw new Error(`invalid address "${addr}": port ${port} out of range (0-65535)`);
  return { host: host === '' ? undefined : host, port };
}

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
