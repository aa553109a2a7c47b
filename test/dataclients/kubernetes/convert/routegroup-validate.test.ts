/**
 * RouteGroup validation messages. Expected texts come from Skipper's validation fixtures
 * (definitions/testdata/validation/*.log) and routegroupvalidator.go, not from this implementation.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { skipperParseErrorText } from '../../../../src/dataclients/kubernetes/convert/routegroup-eskip-error.ts';
import { decodeRouteGroup } from '../../../../src/dataclients/kubernetes/convert/routegroup-spec.ts';
import { validateRouteGroup } from '../../../../src/dataclients/kubernetes/convert/routegroup-validate.ts';
import type { KubeObject } from '../../../../src/dataclients/kubernetes/convert/types.ts';
import { parseFilters } from '../../../../src/eskip/index.ts';

const svc = { name: 'app', type: 'service', serviceName: 'app-svc', servicePort: 80 };

function rg(spec: unknown, name = 'test-route-group'): KubeObject {
  return { kind: 'RouteGroup', metadata: { name, namespace: 'default' }, spec } as KubeObject;
}

function validate(o: KubeObject): string | null {
  return validateRouteGroup(decodeRouteGroup(o));
}

test('a valid group passes', () => {
  assert.equal(validate(rg({ hosts: ['example.org'], backends: [svc], defaultBackends: [{ backendName: 'app' }] })), null);
});

test('structural errors name the group and stop at the first problem', () => {
  const cases: [unknown, string][] = [
    [{ hosts: ['example.org'], defaultBackends: [{ backendName: 'app' }] }, 'route group without backend'],
    [{ backends: [{ ...svc, servicePort: -42 }], defaultBackends: [{ backendName: 'app' }] }, 'invalid backend: app, invalid service port in backend: app, -42'],
    [{ backends: [{ name: 'app', type: 'network' }], defaultBackends: [{ backendName: 'app' }] }, 'invalid backend: app, address missing in backend: app'],
    [{ backends: [{ name: 'app', type: 'lb' }], defaultBackends: [{ backendName: 'app' }] }, 'invalid backend: app, missing LB endpoints in backend: app'],
    [{ backends: [{ name: 'app', type: 'fooBackend' }], defaultBackends: [{ backendName: 'app' }] }, 'invalid backend: app, unsupported backend type: fooBackend'],
    [{ backends: [{ ...svc, algorithm: 'fooAlgorithm' }], defaultBackends: [{ backendName: 'app' }] }, 'invalid backend: app, unsupported algorithm'],
    [{ backends: [svc, svc], defaultBackends: [{ backendName: 'app' }] }, 'backends with duplicate name: app'],
    [{ backends: [svc], defaultBackends: [{ backendName: 'other' }] }, 'invalid backend reference: other'],
    [{ backends: [svc], defaultBackends: [{ backendName: 'app', weight: -1 }] }, 'invalid weight in backend: app, -1'],
    [{ backends: [svc], defaultBackends: [{}] }, 'unnamed backend reference'],
    [{ backends: [svc] }, 'missing backend reference'],
    [{ backends: [svc], defaultBackends: [{ backendName: 'app' }], routes: [null] }, 'invalid route at 0, invalid route spec'],
    [{ backends: [svc], routes: [{ path: '/' }] }, 'invalid route at 0, missing backend reference'],
    [{ backends: [svc], routes: [{ path: '/', backends: [{ backendName: 'app' }, { backendName: 'app' }] }] }, 'invalid route at 0, duplicate backend reference: app'],
    [{ backends: [svc], defaultBackends: [{ backendName: 'app' }], routes: [{ path: '/a', pathSubtree: '/b' }] }, 'invalid route at 0, path and path subtree in the same route'],
    [{ backends: [svc], defaultBackends: [{ backendName: 'app' }], routes: [{ methods: ['GET', ''] }] }, 'invalid route at 0, invalid method'],
  ];
  for (const [spec, reason] of cases) {
    assert.equal(validate(rg(spec)), `error in route group default/test-route-group: ${reason}`, JSON.stringify(spec));
  }
  assert.equal(validate(rg(undefined)), 'error in route group default/test-route-group: route group without spec');
  assert.equal(validate(rg({ backends: [svc] }, '')), 'route group without name');
});

test('network backend addresses must be scheme://host (validation fixture route-with-invalid-backend-with-path)', () => {
  const addresses = ['http://example.com', 'http://example.com/foo', '/foo', 'example.com/foo', 'http://example.com/', 'http://user:pass@example.com', 'http://example.com?foo=bar', 'example.com'];
  const backends = addresses.map((address, i) => ({ name: `b${i}`, type: 'network', address }));
  const err = validate(rg({ backends: [svc, ...backends], defaultBackends: [{ backendName: 'app' }] }));
  assert.equal(
    err,
    [
      'backend address "http://example.com/foo" does not match scheme://host format',
      'backend address "/foo" does not match scheme://host format',
      'backend address "example.com/foo" does not match scheme://host format',
      'backend address "http://example.com/" does not match scheme://host format',
      'backend address "http://example.com?foo=bar" does not match scheme://host format',
      'backend address "example.com" does not match scheme://host format',
    ].join('\n'),
  );
});

test('filters and predicates: one per item, parse errors in Skipper wording; problems are joined', () => {
  const route = { path: '/', filters: ['foo(42) -> bar(24)'], predicates: ['Foo("X-Bar", "42")'] };
  assert.equal(
    validate(rg({ hosts: ['example.org', 'example.org'], backends: [svc], defaultBackends: [{ backendName: 'app' }], routes: [route] })),
    'single filter expected at "foo(42) -> bar(24)"\nduplicate host "example.org"',
  );
  const failing = { path: '/', filters: ['foo#'] };
  assert.equal(validate(rg({ backends: [svc], defaultBackends: [{ backendName: 'app' }], routes: [failing] })), 'parse failed after token foo, position 3: syntax error');
});

test('parse error texts match the fixtures of Skipper (convert/*.log)', () => {
  const text = (s: string) => {
    try {
      parseFilters(s);
    } catch (e) {
      return skipperParseErrorText(s, e);
    }
    return 'no error';
  };
  assert.equal(text('foo#'), 'parse failed after token foo, position 3: syntax error');
  assert.equal(text('Header#'), 'parse failed after token Header, position 6: syntax error');
  assert.equal(text('foo-bar-baz'), 'parse failed after token foo, position 3: syntax error');
});
