import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RouteDef } from '../../src/eskip/ast.ts';
import { parse, print } from '../../src/eskip/index.ts';
import { parseRouteChange, parseTemplate, replaceAll, routePreprocessor } from '../../src/routing/route-changes.ts';
import { loadConfig } from '../../src/config/load.ts';

const routes = (): RouteDef[] => parse(`
  r0: Source("127.0.0.1/8", "10.0.0.0/8") -> inlineContent("OK") -> <shunt>;
  r1: Path("/a") -> setPath("/b") -> "http://10.0.0.1:8080";
`);

test('the first character delimits; regexp and replacement must not contain it', () => {
  const c = parseRouteChange('#Source\\("[^"]*"\\)#ClientIP("1.2.3.4")#');
  assert.equal(replaceAll(c, 'Source("10.0.0.0/8")'), 'ClientIP("1.2.3.4")');
  assert.throws(() => parseRouteChange(''), /empty string/);
  assert.throws(() => parseRouteChange('/a/b'), /exactly/);
  assert.throws(() => parseRouteChange('/a/b/c/d/'), /exactly/);
  assert.throws(() => parseRouteChange('/a(/b/'), /invalid regular expression/);
});

test('replacement templates follow Go: $1, ${1}, $name, $$; $1x names group "1x"', () => {
  const c = (re: string, t: string): string => replaceAll(parseRouteChange(`|${re}|${t}|`), 'Host("a")');
  assert.equal(c('Host[(](.*)[)]', 'HostAny($1)'), 'HostAny("a")');
  assert.equal(c('(Host)', '${1}Any'), 'HostAny("a")');
  assert.equal(c('(Host)', '$1Any'), '("a")');
  assert.equal(c('(?P<n>Host)', '$n-$$'), 'Host-$("a")');
  assert.equal(c('Host', '$'), '$("a")');
  assert.deepEqual(parseTemplate('a$1b${x}$'), ['a', { group: '1b' }, { group: 'x' }, '$']);
});

test('-edit-route: changes predicates and filters in place, ids and backends stay; unchanged routes are the same objects', () => {
  const input = routes();
  const run = routePreprocessor({ edit: [parseRouteChange('/Source[(](.*)[)]/ClientIP($1)/'), parseRouteChange('|"/b"|"/c"|')] });
  const out = run(input);
  assert.equal(print(out), print(parse(`
    r0: ClientIP("127.0.0.1/8", "10.0.0.0/8") -> inlineContent("OK") -> <shunt>;
    r1: Path("/a") -> setPath("/c") -> "http://10.0.0.1:8080";
  `)));
  const again = run(input);
  assert.equal(again[0], out[0], 'the same input object gives the same edited object');
  const untouched = routePreprocessor({ edit: [parseRouteChange('/Nothing/Else/')] })(input);
  assert.equal(untouched[1], input[1]);
});

test('-clone-route: changed copies named clone_<id> after all routes; edits apply to clones too', () => {
  const out = routePreprocessor({
    clone: [parseRouteChange('/Source/ClientIP/')],
    edit: [parseRouteChange('/inlineContent[(]"OK"[)]/inlineContent("edited")/')],
  })(routes());
  assert.deepEqual(out.map((r) => r.id), ['r0', 'r1', 'clone_r0']);
  assert.equal(out[2]!.predicates[0]!.name, 'ClientIP');
  assert.deepEqual(out[2]!.filters[0]!.args, ['edited']);
  assert.equal(out[0]!.predicates[0]!.name, 'Source');
  const twice = routePreprocessor({ clone: [parseRouteChange('/Source/ClientIP/'), parseRouteChange('/ClientIP/SourceFromLast/')] })(routes());
  assert.deepEqual(twice.map((r) => r.id), ['r0', 'r1', 'clone_r0', 'clone_clone_r0']);
});

test('a replacement that does not parse is reported and leaves that part as it was', () => {
  const errors: string[] = [];
  const out = routePreprocessor({
    edit: [parseRouteChange('/setPath/set Path/')],
    onError: (id, change, text) => errors.push(`${id} ${change.spec} ${text}`),
  })(routes());
  assert.equal(out[1]!.filters[0]!.name, 'setPath');
  assert.deepEqual(errors, ['r1 /setPath/set Path/ set Path("/b")']);
});

test('default filters come first, then clones and edits see them', () => {
  const out = routePreprocessor({
    defaultFilters: { prepend: [{ name: 'status', args: [200] }], append: [] },
    clone: [parseRouteChange('/status[(]200[)]/status(201)/')],
  })(routes());
  assert.deepEqual(out.map((r) => `${r.id}:${r.filters[0]!.args[0]}`), ['r0:200', 'r1:200', 'clone_r0:201', 'clone_r1:201']);
});

test('flags: repeatable, and a bad value names the flag', () => {
  const c = loadConfig(['-edit-route=/a/b/', '-edit-route=#c#d#', '-clone-route=/x/y/']);
  assert.deepEqual(c.editRoute, ['/a/b/', '#c#d#']);
  assert.deepEqual(c.cloneRoute, ['/x/y/']);
  assert.throws(() => loadConfig(['-edit-route=/a(/b/']), /flag -edit-route/);
  assert.throws(() => loadConfig(['-clone-route=abc']), /flag -clone-route/);
});
