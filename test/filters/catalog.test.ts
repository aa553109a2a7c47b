import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilters } from '../../src/eskip/index.ts';
import { builtinFilters } from '../../src/filters/builtin.ts';
import type { FilterSpec } from '../../src/routing/filter-contract.ts';

const required = [
  'status', 'comment', 'annotate', 'setRequestHeader', 'appendRequestHeader', 'dropRequestHeader',
  'setResponseHeader', 'appendResponseHeader', 'dropResponseHeader', 'copyRequestHeader', 'copyResponseHeader',
  'modRequestHeader', 'modResponseHeader', 'dropRequestHeaderValueRegexp', 'dropResponseHeaderValueRegexp',
  'setContextRequestHeader', 'appendContextRequestHeader', 'setContextResponseHeader', 'appendContextResponseHeader',
  'preserveHost', 'modPath', 'setPath', 'redirectTo', 'redirectToLower', 'stripQuery', 'setQuery', 'dropQuery',
  'queryToHeader', 'headerToQuery', 'inlineContent', 'inlineContentIfStatus', 'static', 'corsOrigin',
  'requestCookie', 'responseCookie', 'dropRequestCookie', 'dropResponseCookie', 'jsCookie', 'flowId', 'xforward',
  'xforwardFirst', 'setDynamicBackendUrl', 'setDynamicBackendHost', 'setDynamicBackendScheme',
  'setDynamicBackendUrlFromHeader', 'setDynamicBackendHostFromHeader', 'setDynamicBackendSchemeFromHeader',
  'consistentHashKey', 'consistentHashBalanceFactor', 'backendTimeout', 'readTimeout', 'writeTimeout',
];

test('every core filter named in the issue is registered, without duplicate names', () => {
  const registry = builtinFilters();
  for (const name of required) assert.ok(registry.get(name), `${name} registered`);
});

// Filter chains from Skipper's docs/reference/filters.md: each must build.
const docExamples = [
  'status(401)',
  'comment("nothing to see")',
  'annotate("never", "gonna give you up") -> annotate("never", "gonna let you down")',
  'preserveHost("true")',
  'modRequestHeader("Host", "^zalando\\.(\\w+)$", "www.zalando.$1") -> redirectTo(301)',
  'setRequestHeader("X-Passed-Skipper", "true")',
  'setRequestHeader("X-Resource-Id", "${id}")',
  'dropRequestHeader("User-Agent")',
  'dropRequestHeaderValueRegexp("User-Agent", "^value.")',
  'modResponseHeader("cache-control", "no-cache", "cache")',
  'setResponseHeader("Set-Cookie", "cid=${id}; Max-Age=36000; Secure") -> redirectTo(302, "/")',
  'setContextRequestHeader("X-Uid", "auth-user")',
  'copyRequestHeader("X-Foo", "X-Bar")',
  'corsOrigin() -> corsOrigin("https://www.example.org") -> corsOrigin("https://www.example.org", "http://localhost:9001")',
  'headerToQuery("X-Foo-Header", "foo-query-param")',
  'flowId() -> flowId("reuse")',
  'xforward() -> xforwardFirst()',
  'modPath("/api", "/") -> modPath("/foo", "/foo/bar") -> modPath("^/api/(.*)/v2$", "/$1")',
  'setPath("/v2/user/${id}")',
  'redirectTo(302, "/foo/newBar") -> redirectTo(301) -> redirectToLower(308)',
  'stripQuery() -> stripQuery("true")',
  'setQuery("k", "v") -> dropQuery("k")',
  'status(303) -> setResponseHeader("Location", "${request.query.to}")',
  'queryToHeader("foo-query-param", "X-Foo-Header") -> queryToHeader("access_token", "Authorization", "Bearer %s")',
  'inlineContent("{\\"foo\\": 42}", "application/json") -> inlineContentIfStatus(401, "{\\"foo\\": 42}", "application/json")',
  'requestCookie("test-session", "abc") -> responseCookie("test-session", "abc", 31536000)',
  'responseCookie("test-session", "abc", 31536000, "change-only") -> jsCookie("test-session-info", "abc-debug", 31536000, "change-only")',
  'dropRequestCookie("test-session") -> dropResponseCookie("test-session")',
  'backendTimeout("10ms") -> readTimeout("10ms") -> writeTimeout("10ms")',
  'setDynamicBackendUrl("https://example.org") -> setDynamicBackendHostFromHeader("X-Backend-Host")',
  'consistentHashKey("${request.header.Authorization}") -> consistentHashBalanceFactor(1.25)',
];

test("Skipper's documentation examples build", () => {
  const all = builtinFilters();
  const specs = new Map(all.names().map((n) => [n, all.get(n)!]));
  for (const chain of docExamples) {
    for (const call of parseFilters(chain)) {
      const spec = specs.get(call.name);
      assert.ok(spec, `${call.name} in ${chain}`);
      const f = spec.create(call.args);
      assert.equal(f.name, call.name);
      if (call.name !== 'comment') assert.ok(f.request !== undefined || f.response !== undefined, `${call.name} has a hook`);
    }
  }
});
