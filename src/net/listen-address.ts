/** Go listen addresses (`:9090`, `127.0.0.1:0`, `[::1]:80`, `localhost:8080`), parsed for node:net. */

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
