/**
 * Route selection precedence, table-driven. Cases come from Skipper's docs (reference/predicates.md
 * "The path tree" and "Weight", tutorials/basics.md "Route matching") and routing/matcher_test.go.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pick, table, type Probe } from './helpers.ts';

interface Case {
  name: string;
  routes: string;
  ignoreTrailingSlash?: boolean;
  /** The random number Traffic and TrafficSegment draw. */
  random?: number;
  expect: [Probe, string | null][];
}

const skipperGeneric = `
  header: Path("/tessera/header") -> "https://header";
  pdp: PathRegexp(/.*\\.html$/) -> "https://pdp";
  pdpAsync: Path("/sls-async/*_") && PathRegexp(/.*\\.html$/) -> "https://async-pdp";
  catalog: * -> "https://catalog";
  catalogAsync: Path("/sls-async/*_") -> "https://catalog-async";
  login: Path("/login") && Method("POST") -> "https://login";
  healthcheck: Path("/healthcheck") -> <shunt>;
  cart: Path("/api/cart/*_") -> "https://cart";
  catalogAsyncHerren: Path("/sls-async/herren/*_") -> "https://herren-async";
  catalogHerrenEn: True() && Path("/men/*_") -> "https://herren-en";`;

const cases: Case[] = [
  {
    name: 'more predicates win on the same path (docs: Weight)',
    routes: `route1: Path("/test") -> "http://a"; route2: Path("/test") && True() -> "http://b";`,
    expect: [[{ path: '/test' }, 'route2']],
  },
  {
    name: 'Weight outweighs predicate count (docs: Weight)',
    routes: `route1: Path("/test") && Weight(100) -> "http://a"; route2: Path("/test") && True() && True() -> "http://b";`,
    expect: [[{ path: '/test' }, 'route1']],
  },
  {
    name: "Skipper's generic matcher test",
    routes: skipperGeneric,
    expect: [
      [{ path: '/tessera/header' }, 'header'],
      [{ path: '/some.html' }, 'pdp'],
      [{ path: '/path/to/some.html' }, 'pdp'],
      [{ path: '/sls-async/some.html' }, 'pdpAsync'],
      [{ path: '/' }, 'catalog'],
      [{ path: '/nike' }, 'catalog'],
      [{ path: '/sls-async/nike' }, 'catalogAsync'],
      [{ path: '/sls-async/nike/sports' }, 'catalogAsync'],
      [{ path: '/sls-async/herren/nike' }, 'catalogAsyncHerren'],
      [{ path: '/api/cart/42/all' }, 'cart'],
      [{ method: 'POST', path: '/login' }, 'login'],
      [{ method: 'GET', path: '/login' }, 'catalog'],
      [{ path: '/healthcheck' }, 'healthcheck'],
      [{ path: '/men/nike' }, 'catalogHerrenEn'],
      [{ path: '/tessera/some.html' }, 'pdp'],
    ],
  },
  {
    name: 'exact path, then wildcard, then subtree',
    routes: `exact: Path("/foo/bar") -> <shunt>; wild: Path("/foo/:id") -> <shunt>; sub: PathSubtree("/foo") -> <shunt>;`,
    expect: [
      [{ path: '/foo/bar' }, 'exact'],
      [{ path: '/foo/baz' }, 'wild'],
      [{ path: '/foo/baz/qux' }, 'sub'],
      [{ path: '/foo' }, 'sub'],
      [{ path: '/foo/' }, 'sub'],
      [{ path: '/foobar' }, null],
    ],
  },
  {
    name: 'a path tree position whose routes reject the request falls back to the next candidate',
    routes: `exact: Path("/foo/bar") && Method("POST") -> <shunt>; wild: Path("/foo/:id") && Header("X", "y") -> <shunt>;
             sub: PathSubtree("/foo") -> <shunt>; root: * && Weight(1000) -> <shunt>;`,
    expect: [
      [{ method: 'POST', path: '/foo/bar' }, 'exact'],
      [{ path: '/foo/bar', headers: { x: 'y' } }, 'wild'],
      [{ path: '/foo/bar' }, 'sub'],
      [{ path: '/other' }, 'root'],
    ],
  },
  {
    name: 'the longest subtree wins',
    routes: `api: PathSubtree("/api") -> <shunt>; v1: PathSubtree("/api/v1") -> <shunt>; all: PathSubtree("/") -> <shunt>;`,
    expect: [
      [{ path: '/api/v1/users' }, 'v1'],
      [{ path: '/api/v2' }, 'api'],
      [{ path: '/api' }, 'api'],
      [{ path: '/' }, 'all'],
      [{ path: '/x/y' }, 'all'],
    ],
  },
  {
    name: 'a path tree match wins over heavier routes without a path (docs: Route matching)',
    routes: `p: Path("/a") -> <shunt>; heavy: Method("GET") && True() && Weight(50) -> <shunt>;`,
    expect: [[{ path: '/a' }, 'p'], [{ path: '/b' }, 'heavy']],
  },
  {
    name: 'PathRegexp is evaluated after the tree like any other predicate',
    routes: `colors: Path("/colors/:name/rgb") && PathRegexp("^/colors/(red|green)/") -> <shunt>; any: PathSubtree("/colors") -> <shunt>;`,
    expect: [[{ path: '/colors/red/rgb' }, 'colors'], [{ path: '/colors/pink/rgb' }, 'any']],
  },
  {
    name: 'trailing slash is significant by default (docs: Path, Trailing slash)',
    routes: `noslash: Path("/foo/bar") -> <shunt>; slash: Path("/foo/bar/") && True() -> <shunt>;`,
    expect: [[{ path: '/foo/bar' }, 'noslash'], [{ path: '/foo/bar/' }, 'slash']],
  },
  {
    name: 'with -ignore-trailing-slash both forms are one path',
    routes: `noslash: Path("/foo/bar") -> <shunt>; other: Path("/x/") -> <shunt>;`,
    ignoreTrailingSlash: true,
    expect: [[{ path: '/foo/bar/' }, 'noslash'], [{ path: '/x' }, 'other'], [{ path: '/x/' }, 'other']],
  },
  {
    name: 'Header counts once per header name',
    routes: `a: Path("/p") && Header("X", "1") && Header("x", "1") && True() -> <shunt>;
             b: Path("/p") && HeaderRegexp("X", "1") && Method("GET") && True() -> <shunt>;`,
    expect: [[{ path: '/p', headers: { x: '1' } }, 'b']],
  },
  {
    name: 'HeaderRegexp counts once per header name, Method once',
    routes: `a: Path("/p") && HeaderRegexp("X", "1") && HeaderRegexp("X", ".") && Method("GET") -> <shunt>;
             b: Path("/p") && True() && True() && True() -> <shunt>;`,
    expect: [[{ path: '/p', headers: { x: '1' } }, 'b']],
  },
  {
    name: 'TrafficSegment does not add weight; equal weights keep definition order',
    routes: `seg: Path("/t") && TrafficSegment(0, 1) -> <shunt>; first: Path("/t") -> <shunt>; second: Path("/t") -> <shunt>;`,
    expect: [[{ path: '/t' }, 'seg']],
  },
  {
    name: 'PathSubtree("/foo") also owns /foo and /foo/, Path("/foo/**") only what is below (docs: PathSubtree)',
    routes: `glob: Path("/foo/**") -> <shunt>; sub: PathSubtree("/foo") -> <shunt>;`,
    expect: [[{ path: '/foo/x/y' }, 'glob'], [{ path: '/foo' }, 'sub'], [{ path: '/foo/' }, 'sub']],
  },
  {
    name: 'sticky Traffic: the cookie decides, else the chance (docs: Traffic), chance drawn 0.01',
    random: 0.01,
    routes: `cartTest: Traffic(.05, "cart-test", "test") && Path("/cart") -> <shunt>; cart: Path("/cart") -> <shunt>;`,
    expect: [
      [{ path: '/cart', headers: { cookie: 'cart-test=test' } }, 'cartTest'],
      [{ path: '/cart', headers: { cookie: 'cart-test=default' } }, 'cart'],
      [{ path: '/cart' }, 'cartTest'],
    ],
  },
  {
    name: 'sticky Traffic without cookie and a losing draw (0.5) goes to the default route',
    random: 0.5,
    routes: `cartTest: Traffic(.05, "cart-test", "test") && Path("/cart") -> <shunt>; cart: Path("/cart") -> <shunt>;`,
    expect: [[{ path: '/cart' }, 'cart']],
  },
  {
    name: 'TrafficSegment splits 50/30/20 by one draw per request (draw 0.6)',
    random: 0.6,
    routes: `r50: Path("/test") && TrafficSegment(0.0, 0.5) -> <shunt>; r30: Path("/test") && TrafficSegment(0.5, 0.8) -> <shunt>;
             r20: Path("/test") && TrafficSegment(0.8, 1.0) -> <shunt>;`,
    expect: [[{ path: '/test' }, 'r30']],
  },
  {
    name: 'Host narrows candidates without changing the decision',
    routes: [...Array.from({ length: 8 }, (_, i) => `h${i}: Host(/^(h${i}[.]org[.]?(:[0-9]+)?)$/) && PathSubtree("/") -> <shunt>;`),
      `generic: PathSubtree("/") && Header("X", "1") -> <shunt>;`,
      `regex: Host(/^h[0-9][.]org$/) && PathSubtree("/") && True() && True() -> <shunt>;`].join('\n'),
    expect: [
      [{ path: '/a', host: 'h3.org' }, 'regex'],
      [{ path: '/a', host: 'h3.org:8080' }, 'h3'],
      [{ path: '/a', host: 'h9.org:1', headers: { x: '1' } }, 'generic'],
      [{ path: '/a', host: 'h9.org' }, 'regex'],
      [{ path: '/a', host: 'h1.org.', headers: { x: '1' } }, 'h1'],
      [{ path: '/a', host: 'nope.org' }, null],
    ],
  },
];

for (const c of cases) {
  test(`precedence: ${c.name}`, () => {
    const random = c.random;
    const t = table(c.routes, { ignoreTrailingSlash: c.ignoreTrailingSlash, env: random === undefined ? {} : { random: () => random } });
    assert.deepEqual(t.invalid, []);
    for (const [probe, want] of c.expect) {
      assert.equal(pick(t, probe), want, `${probe.method ?? 'GET'} ${probe.host ?? ''}${probe.path} ${JSON.stringify(probe.headers ?? {})}`);
    }
  });
}
