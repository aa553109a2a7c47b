/** Where a backend URL sends requests, and the key the endpoint registry counts it by. */
import { hostPort } from './host-port.ts';

export interface BackendAddress {
  /** scheme://host:port */
  origin: string;
  /** host:port, the endpoint registry key. */
  key: string;
  /** The Host header. */
  authority: string;
}

/** The target of a backend URL, made afresh. */
export function backendAddressOf(u: URL): BackendAddress {
  const key = hostPort(u);
  return { origin: `${u.protocol}//${key}`, key, authority: u.host };
}

// A network backend's address, kept on its URL object (one per distinct URL in a table, shared by the routes
// naming it): a strong reference where a WeakMap keyed by route would add an entry per route served, which every
// major collection processes as an ephemeron (a million of them made 1-3 s pauses at a million routes). The proxy
// and the endpoint registry read the same object: one key string per URL, hashed once, where building host:port
// per route was most of the registry's first walk of a million routes.
const ADDRESS = Symbol('skipjack.backendAddress');
type AddressedUrl = URL & { [ADDRESS]?: BackendAddress };

/** The address of a route's backend URL, made once per URL object (route URLs are not changed once parsed). */
export function cachedBackendAddress(u: URL): BackendAddress {
  return ((u as AddressedUrl)[ADDRESS] ??= backendAddressOf(u));
}
