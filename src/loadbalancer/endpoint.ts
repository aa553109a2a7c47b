/** A parsed load-balancer endpoint, built once per route at route-build time. */
import { InvalidArgsError } from '../errors.ts';
import { hostPort } from '../net/index.ts';

export interface LbEndpoint {
  /** The address as written in the route (`http://10.0.0.1:8080`). */
  readonly address: string;
  /** `http:` or `https:`. */
  readonly protocol: string;
  /** host:port with the scheme's default port filled in; the key of the endpoint registry. */
  readonly host: string;
  /** The Host header for this endpoint: host[:port] as written, so default ports stay implicit. */
  readonly authority: string;
  /** scheme://host:port, what undici dials. */
  readonly origin: string;
  /** Position in the route's endpoint list. */
  readonly index: number;
}

/** host:port of an endpoint URL, the port defaulted by scheme. */
export const endpointHost = hostPort;

/** Parses an endpoint address; throws InvalidArgsError naming it when it is not an http(s) URL without a path. */
export function parseEndpoint(address: string, index: number): LbEndpoint {
  let u: URL;
  try {
    u = new URL(address);
  } catch {
    throw new InvalidArgsError(`invalid LB endpoint ${JSON.stringify(address)}: not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new InvalidArgsError(`invalid LB endpoint ${JSON.stringify(address)}: scheme must be http or https`);
  }
  const host = endpointHost(u);
  return Object.freeze({ address, protocol: u.protocol, host, authority: u.host, origin: `${u.protocol}//${host}`, index });
}
