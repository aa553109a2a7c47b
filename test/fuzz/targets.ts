/**
 * Fuzz targets: each takes one input (a string) and throws when an invariant breaks. Inputs come from
 * fast-check generators that mutate seeds (targets' `seeds` plus the corpus of past crashes under
 * test/fuzz/corpus/<target>/), so the search starts from the shapes that mattered before.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { EskipParseError, eqLists, parse, parseDocument, parseFilters, parsePredicates, print } from '../../src/eskip/index.ts';
import { readIngressAnnotations, validateIngressAnnotations } from '../../src/dataclients/kubernetes/convert/ingress-annotations.ts';

export interface FuzzTarget {
  name: string;
  /** Inputs that reach deep: real shapes, past problems. */
  seeds: readonly string[];
  /** Characters mutations draw from. */
  alphabet: readonly string[];
  /** Throws when an invariant breaks. */
  run(input: string): void | Promise<void>;
}

const ESKIP_ALPHABET = ['a', 'Z', '_', '0', '9', '.', ' ', '\n', '\t', ':', ';', '(', ')', ',', '"', '`', '\\', '/', '[', ']', '<', '>', '-', '>', '&', '*', '#', 'é', '\u0000', '->', '&&', '<shunt>', 'Path("/")', '"x"', '/r/', '//c\n'];

/** The eskip parser: only EskipParseError escapes; what parses prints and parses back equal. */
export const eskipTarget: FuzzTarget = {
  name: 'eskip',
  seeds: [
    'r: Path("/a") && Header("X", "y") -> setPath("/b") -> "https://example.org";',
    'a: * -> <roundRobin, "http://10.0.0.1:80", "http://10.0.0.2:80">;\nb: Host(/^x[.]org$/) -> status(204) -> <shunt>;',
    'Method("GET") -> inlineContent(`hi\\n`) -> <shunt>',
    'r: HeaderRegexp("X-Test", "^(a+){2,100}$") -> <shunt>;',
    ';;;;;;;;',
    'x: Path("/x) -> <shunt>;',
  ],
  alphabet: ESKIP_ALPHABET,
  run(input) {
    for (const f of [() => parse(input), () => parseFilters(input), () => parsePredicates(input)]) {
      try {
        f();
      } catch (e) {
        if (!(e instanceof EskipParseError)) throw e;
      }
    }
    const { routes } = parseDocument(input);
    const ids = new Set(routes.map((r) => r.id));
    if (ids.size !== routes.length) return;
    let printed: string;
    try {
      printed = print(routes);
    } catch (e) {
      // Only numbers eskip cannot write (none come from parsing) may refuse.
      if (e instanceof RangeError) return;
      throw e;
    }
    if (!eqLists(parse(printed), routes)) throw new Error(`printed routes do not parse back equal:\n${printed}`);
  },
};

/** An Ingress's zalando.org annotations, as JSON: validation and reading never throw, whatever the values. */
export const annotationsTarget: FuzzTarget = {
  name: 'annotations',
  seeds: [
    JSON.stringify({ 'zalando.org/skipper-filter': 'setPath("/") -> status(200)', 'zalando.org/skipper-predicate': 'Method("GET")' }),
    JSON.stringify({ 'zalando.org/skipper-routes': 'r: Path("/x") -> <shunt>;', 'zalando.org/backend-weights': '{"a": 80, "b": 20}' }),
    JSON.stringify({ 'zalando.org/ratelimit': 'ratelimit(20, "1m")', 'zalando.org/skipper-loadbalancer': 'consistentHash', 'zalando.org/skipper-ingress-path-mode': 'path-prefix' }),
    JSON.stringify({ 'zalando.org/backend-weights': '[1]', 'zalando.org/skipper-backend-protocol': 'fastcgi', 'zalando.org/traffic-zone-aware': 'false' }),
  ],
  alphabet: [...ESKIP_ALPHABET, '{', '}', '\\"', '1e309', 'null', 'true', '[', ']'],
  run(input) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch {
      // Not an object: use the text as every annotation's value.
      parsed = Object.fromEntries(KEYS.map((k) => [k, input]));
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return;
    const annotations: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) annotations[k] = typeof v === 'string' ? v : JSON.stringify(v) ?? '';
    const invalid = validateIngressAnnotations(annotations);
    if (invalid !== undefined && typeof invalid !== 'string') throw new Error('validation returned a non-string');
    if (invalid === undefined) readIngressAnnotations(annotations, { pathMode: 'kubernetes-ingress', lbAlgorithm: 'roundRobin' }, () => {});
  },
};

const KEYS = [
  'zalando.org/skipper-filter', 'zalando.org/skipper-predicate', 'zalando.org/skipper-routes', 'zalando.org/backend-weights',
  'zalando.org/ratelimit', 'zalando.org/skipper-loadbalancer', 'zalando.org/skipper-backend-protocol',
  'zalando.org/skipper-ingress-path-mode', 'zalando.org/skipper-backend', 'zalando.org/traffic-zone-aware',
];

/** Sends one raw request head; resolves with everything the listener sent before closing or going quiet. */
export function exchange(port: number, head: string, quietMs = 1500): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = connect(port, '127.0.0.1');
    let quiet = setTimeout(() => s.destroy(), quietMs);
    s.on('data', (c) => {
      chunks.push(c);
      clearTimeout(quiet);
      quiet = setTimeout(() => s.destroy(), quietMs);
    });
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(quiet);
      resolve(Buffer.concat(chunks));
    });
    s.write(head, 'latin1');
  });
}

/** Every reply on the connection must be an HTTP/1.x status line (or nothing: a close). */
export function checkReply(reply: Buffer, head: string): void {
  if (reply.length === 0) return;
  const text = reply.toString('latin1');
  if (!/^HTTP\/1\.[01] [1-5]\d\d /.test(text)) throw new Error(`not an HTTP response to ${JSON.stringify(head)}: ${JSON.stringify(text.slice(0, 80))}`);
}

export const REQUEST_SEEDS: readonly string[] = [
  'GET / HTTP/1.1\r\nHost: a\r\n\r\n',
  'GET http://a:99999/ HTTP/1.1\r\nHost: a\r\n\r\n',
  'GET http://host/api/x\\..\\..\\admin/secret HTTP/1.1\r\nHost: host\r\n\r\n',
  'POST /b HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n',
  'GET / HTTP/2.0\r\nHost: a\r\n\r\n',
  'POST /b HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  'GET /b HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
  'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n',
  'CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n',
  'GET /b HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n',
  'GET /%zz/%00 HTTP/1.1\nHost: a\n\n',
  'GET /b HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
];

export const REQUEST_ALPHABET: readonly string[] = [
  'GET', 'POST', ' ', '/', '\r\n', '\n', '\r', ':', 'Host', 'Content-Length', 'Transfer-Encoding', 'chunked', '0', '9',
  '99999', 'http://', '%', '\\', '..', '\u0000', '\u00ff', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', ',', '*', '@', '?', '#', '\t', 'a',
];

/** Mutations of seeds: insertions, deletions and replacements of alphabet pieces, and splices of two seeds. */
export function mutated(seeds: readonly string[], alphabet: readonly string[], maxLength = 4096): fc.Arbitrary<string> {
  const piece = fc.oneof(fc.constantFrom(...alphabet), fc.string({ maxLength: 4 }), fc.string({ unit: 'binary', maxLength: 3 }));
  const edit = fc.tuple(fc.constantFrom('insert', 'delete', 'replace', 'repeat'), fc.nat(), fc.nat({ max: 16 }), piece);
  return fc.tuple(fc.constantFrom(...seeds), fc.constantFrom(...seeds), fc.nat(), fc.nat({ max: 9 }), fc.array(edit, { maxLength: 8 })).map(([a, b, cut, splice, edits]) => {
    let s = splice === 0 ? a.slice(0, cut % (a.length + 1)) + b.slice(cut % (b.length + 1)) : a;
    for (const [kind, at, len, p] of edits) {
      const i = s.length === 0 ? 0 : at % (s.length + 1);
      if (kind === 'insert') s = s.slice(0, i) + p + s.slice(i);
      else if (kind === 'delete') s = s.slice(0, i) + s.slice(i + len);
      else if (kind === 'replace') s = s.slice(0, i) + p + s.slice(i + Math.max(1, p.length));
      else s = s.slice(0, i) + p.repeat(len * 8) + s.slice(i);
    }
    return s.slice(0, maxLength);
  });
}
