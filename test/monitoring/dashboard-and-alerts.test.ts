/**
 * deploy/monitoring: the Grafana dashboard and the alert rules only query metrics a running skipjack exports.
 * skipjack is started with the flags docs/reference/metrics.md recommends, served a few requests (a good
 * backend, a 5xx backend, an unreachable one, a host route, an invalid route, a miss), and every metric name
 * in every query must have a sample in its /metrics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { parse as parseYaml } from 'yaml';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { startBackend, startSkipjack, until } from '../cmd/harness.ts';

const dir = new URL('../../deploy/monitoring/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, dir), 'utf8');

/** The flags the metrics docs recommend for Skipper dashboards; the test fails if the docs stop saying so. */
const RECOMMENDED = ['-metrics-flavour=codahale,prometheus', '-serve-route-metrics', '-serve-host-metrics', '-backend-host-metrics'];

interface Rule {
  alert: string;
  expr: string;
}

function ruleGroups(): { plain: { name: string; rules: Rule[] }[]; operator: { spec: { groups: { name: string; rules: Rule[] }[] } } } {
  return { plain: (parseYaml(read('rules.yaml')) as { groups: { name: string; rules: Rule[] }[] }).groups, operator: parseYaml(read('prometheusrule.yaml')) };
}

function queries(): string[] {
  const { plain } = ruleGroups();
  const dash = JSON.parse(read('grafana-dashboard.json')) as { panels: { targets: { expr: string }[] }[]; templating: { list: { query?: unknown }[] } };
  return [
    ...plain.flatMap((g) => g.rules.map((r) => r.expr)),
    ...dash.panels.flatMap((p) => p.targets.map((t) => t.expr)),
    ...dash.templating.list.map((v) => v.query).filter((q): q is string => typeof q === 'string'),
  ];
}

/** Metric names in PromQL: identifiers of the families skipjack exports, not functions or labels. */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b((?:skipper|skipjack|process|routesrv)_[a-zA-Z0-9_]+)/g)].map((m) => m[1]!);
}

test('the PrometheusRule and the plain rules file hold the same rules, and the PrometheusRule validates', () => {
  const { plain, operator } = ruleGroups();
  assert.deepEqual(operator.spec.groups, plain);
  new PrometheusRule(operator as never).validate();
  assert.ok(plain.flatMap((g) => g.rules).length >= 5);
});

test('the metrics docs recommend the flags this test runs with', () => {
  const doc = readFileSync(new URL('../../docs/reference/metrics.md', import.meta.url), 'utf8');
  for (const f of RECOMMENDED) assert.ok(doc.includes(f), `docs/reference/metrics.md recommends ${f}`);
});

test('every metric the dashboard and the alerts query is exported by a running skipjack', async (t) => {
  const ok = await startBackend(t, (_req, res) => res.end('ok'));
  const failing = await startBackend(t, (_req, res) => {
    res.statusCode = 503;
    res.end('down');
  });
  const closed = createServer();
  closed.listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const deadPort = (closed.address() as import('node:net').AddressInfo).port;
  closed.close();
  const sj = await startSkipjack(t, [...RECOMMENDED, '-access-log-disabled', `-inline-routes=
    ok: Path("/ok") -> "${ok.url}";
    failing: Path("/failing") -> "${failing.url}";
    dead: Path("/dead") -> "http://127.0.0.1:${deadPort}";
    hosted: Host("^shop[.]example[.]org$") -> "${ok.url}";
    broken: Path("/broken") -> noSuchFilter() -> <shunt>;`]);
  for (const path of ['/ok', '/failing', '/dead', '/nothing']) await (await fetch(`${sj.base}${path}`)).text();
  await (await fetch(`${sj.base}/`, { headers: { host: 'shop.example.org' } })).text();
  let text = '';
  await until(async () => {
    text = await (await fetch(`${sj.support}/metrics`)).text();
    return /skipper_backend_error_total\{route="dead"\}/.test(text);
  }, 'the backend error counted');
  const sampled = new Set([...text.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/gm)].map((m) => m[1]!));
  const missing = new Set<string>();
  for (const q of queries()) for (const name of metricNames(q)) if (!sampled.has(name)) missing.add(name);
  assert.deepEqual([...missing], [], `queried but not exported: ${[...missing].join(', ')}`);
  assert.ok(queries().length >= 15);
});
