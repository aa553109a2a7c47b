/**
 * The route mix of bench/million.bench.ts, as eskip text: about 20 routes per hostname (one application),
 * each with a Host (the Kubernetes-shaped regexp or a literal), a Path or PathSubtree with wildcards, and
 * some with Method, Header, HeaderRegexp or PathRegexp; two or three filters each, half of the routes
 * network backends and half load-balanced. Deterministic: route i of n is always the same text, and
 * `request(i, n)` is a request that route i (or a more specific one) serves; one in ten names no host.
 */
import type { RoutingRequest } from '../../src/routing/types.ts';

const words = ['users', 'orders', 'items', 'cart', 'search', 'catalog', 'reviews', 'payments', 'profile', 'assets', 'media', 'stock',
  'prices', 'brands', 'wishlist', 'returns', 'shipping', 'tokens', 'events', 'reports'];

function hostOf(i: number, n: number): { h: number; name: string } {
  const hostCount = Math.max(1, Math.floor(n / 20));
  const h = i % hostCount;
  return { h, name: `app${h}.team${h % 97}.example.org` };
}

function kindOf(i: number, n: number): number {
  return Math.floor(i / Math.max(1, Math.floor(n / 20))) % 6;
}

/** Route i of n as one eskip definition, with its trailing ";\n". */
export function routeText(i: number, n: number): string {
  const { h, name } = hostOf(i, n);
  const host = h % 4 === 0 ? `Host("^${name.replaceAll('.', '[.]')}$")` : `Host("^(${name.replaceAll('.', '[.]')}[.]?(:[0-9]+)?)$")`;
  const v = `v${1 + (i % 3)}`;
  const w = `${words[i % words.length]}${i % 13}`;
  let preds: string;
  let filters: string;
  switch (kindOf(i, n)) {
    case 0:
      preds = `${host} && PathSubtree("/")`;
      filters = `setRequestHeader("X-App", "app${h}") -> setResponseHeader("X-Route", "r${i}")`;
      break;
    case 1:
      preds = `${host} && Path("/api/${v}/${w}/:id")`;
      filters = `setRequestHeader("X-App", "app${h}") -> setPath("/${w}/:id") -> setResponseHeader("Cache-Control", "no-store")`;
      break;
    case 2:
      preds = `${host} && Path("/api/${v}/${w}") && Method("POST")`;
      filters = `setRequestHeader("X-App", "app${h}") -> dropRequestHeader("Cookie")`;
      break;
    case 3:
      preds = `${host} && PathSubtree("/static/${w}") && HeaderRegexp("User-Agent", "Mobile|Android")`;
      filters = `setResponseHeader("Cache-Control", "max-age=3600") -> status(200) -> inlineContent("static ${i}")`;
      break;
    case 4:
      preds = `${host} && Path("/${w}/:section/*rest") && Header("X-Canary", "true")`;
      filters = `setRequestHeader("X-App", "app${h}") -> setRequestHeader("X-Canary-Route", "r${i}")`;
      break;
    default:
      preds = `${host} && PathSubtree("/${w}") && PathRegexp("^/${w}/[0-9]+$")`;
      filters = `setRequestHeader("X-App", "app${h}") -> setResponseHeader("X-Route", "r${i}")`;
  }
  const ip = `10.${(h >> 8) & 255}.${h & 255}`;
  const backend = h % 2 === 0 ? `"http://${ip}.1:8080"` : `<roundRobin, "http://${ip}.2:8080", "http://${ip}.3:8080">`;
  return `r${i}: ${preds}\n  -> ${filters}\n  -> ${backend};\n`;
}

/** The whole document of n routes. */
export function routesDocument(n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(routeText(i, n));
  return parts.join('');
}

/** A request for route i of n; every tenth names a host no route serves. */
export function request(i: number, n: number): RoutingRequest {
  const { name } = hostOf(i, n);
  const v = `v${1 + (i % 3)}`;
  const w = `${words[i % words.length]}${i % 13}`;
  let path: string;
  let method = 'GET';
  const headers: Record<string, string> = {};
  switch (kindOf(i, n)) {
    case 0: path = `/x/${i}`; break;
    case 1: path = `/api/${v}/${w}/${i}`; break;
    case 2: path = `/api/${v}/${w}`; method = 'POST'; break;
    case 3: path = `/static/${w}/img/${i % 1000}.png`; headers['user-agent'] = 'Mozilla/5.0 (Android 14)'; break;
    case 4: path = `/${w}/s${i % 7}/a/b`; headers['x-canary'] = 'true'; break;
    default: path = `/${w}/${i}`;
  }
  const host = i % 10 === 0 ? `unknown${i}.example.org` : i % 2 === 0 ? name : `${name}:443`;
  return { method, host, path, rawQuery: '', headers, remoteAddress: '10.0.0.1' };
}
