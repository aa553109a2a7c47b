/** Go listen addresses (`:9090`, `127.0.0.1:0`, `[::1]:80`, `localhost:8080`) as node:net listen options. */

export interface ListenAddress {
  /** undefined: every interface, as Go listens for `:port`. */
  host: string | undefined;
  port: number;
}

export function parseListenAddress(addr: string): ListenAddress {
  const i = addr.lastIndexOf(':');
  if (i < 0) throw new Error(`invalid address "${addr}": missing port (e.g. :9090)`);
  let host = addr.slice(0, i);
  const portText = addr.slice(i + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const port = portText === '' ? 0 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid address "${addr}": bad port`);
  return { host: host === '' ? undefined : host, port };
}

/** A printable URL authority for logs: `127.0.0.1:9090`, `[::1]:80`, `:9090` for every interface. */
export function formatAddress(host: string | undefined, port: number): string {
  if (host === undefined || host === '' || host === '::' || host === '0.0.0.0') return `:${port}`;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Listens on a Go-style address and resolves with the bound address. */
export async function listenOn(server: import('node:net').Server, address: string): Promise<import('node:net').AddressInfo> {
  const { host, port } = parseListenAddress(address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address() as import('node:net').AddressInfo;
}

/** A clickable URL for the start-up log: `localhost` when the configured address names no host. */
export function urlOf(bound: { address?: string | null; port: number }, scheme: string, configured: string): string {
  const host = parseListenAddress(configured).host === undefined || !bound.address ? 'localhost' : formatAddress(bound.address, bound.port).replace(/:\d+$/, '');
  return `${scheme}://${host}:${bound.port}/`;
}
