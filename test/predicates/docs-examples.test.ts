/** Every predicate example of Skipper's docs/reference/predicates.md builds into a valid route. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { table } from '../routing/helpers.ts';

const examples = [
  'Host(/^my-host-header\\.example\\.org$/) && Method("GET") && Path("/hello")',
  'Path("/foo/bar")', 'Path("/foo/bar/")', 'Path("/foo/:id")', 'Path("/foo/:id/baz")', 'Path("/foo/*rest")', 'Path("/foo/**")',
  'PathSubtree("/foo/bar")', 'PathSubtree("/")', 'PathSubtree("/foo/*rest")',
  'Path("/colors/:name/rgb-value") && PathRegexp("^/colors/(red|green|blue|cyan|magenta|pink|yellow)/")',
  'PathRegexp("^/foo/bar")', 'PathRegexp("/foo/bar$")', 'PathRegexp("/foo/bar/")', 'PathRegexp("^/foo/(bar|qux)")',
  'Host(/header\\.example\\.org$/)', 'Path("/test") && Weight(100)', 'Path("/test") && True() && True()',
  'Method("OPTIONS")', 'Methods("GET")', 'Methods("OPTIONS", "POST")', 'Methods("OPTIONS", "POST", "patch")',
  'Header("X-Forwarded-For", "192.168.0.2")', 'Header("Accept", "application/json")',
  'HeaderRegexp("X-Forwarded-For", "^192\\.168\\.0\\.[0-2]?[0-9]?[0-9] ")', 'HeaderRegexp("Accept", "application/(json|xml)")',
  'Cookie("alpha", /^enabled$/)',
  'JWTPayloadAnyKV("iss", "https://accounts.google.com", "email", "skipper-router@googlegroups.com")',
  'JWTPayloadAllKV("iss", "https://accounts.google.com")', 'JWTPayloadAllKVRegexp("iss", "^https://")', 'JWTPayloadAnyKVRegexp("iss", "^https://")',
  'After("2016-01-01T12:00:00+02:00")', 'After(1451642400)', 'Before("2016-01-01T12:00:00+02:00")', 'Before(1451642400)',
  'Between("2016-01-01T12:00:00+02:00", "2016-02-01T12:00:00+02:00")', 'Between(1451642400, 1454320800)',
  'Cron("* * * * *")', 'Cron("* 5-7, * * *")', 'Cron("* 5-7,8,12-15 * * *")', 'Cron("* * * * 1-5")', 'Cron("* 7-18 * * 1-5")',
  'QueryParam("query")', 'QueryParam("query", "^example$")',
  'Source("1.2.3.4")', 'Source("1.2.3.0/24")', 'Source("1.2.3.4", "2.2.2.0/24")', 'SourceFromLast("1.2.3.4", "2.2.2.0/24")',
  'ClientIP("10.0.0.0/8")', 'Traffic(.1)', 'Traffic(.05, "cart-test", "test") && Path("/cart")',
  'Path("/test") && TrafficSegment(0.0, 0.5)', 'HostAny("example.org", "example.com")', 'ContentLengthBetween(0, 5000)',
  'ForwardedHost("example.com")', 'ForwardedProtocol("https")', 'Tee("shadow")', 'False()',
  'HeaderSHA256("X-Secret", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")',
];

test("Skipper's documented predicate examples are all valid", () => {
  const t = table(examples.map((e, i) => `e${i}: ${e} -> <shunt>;`).join('\n'));
  assert.deepEqual(t.invalid.map((i) => i.message), []);
  assert.equal(t.routes.length, examples.length);
});
