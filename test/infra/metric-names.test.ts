import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startNodeServe, type ApiTarget } from '../helpers/api-servers.ts';
import { ROOT } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

/** Series Prometheus itself makes (not exported by us). */
const PROMETHEUS_OWN = new Set(['up']);
const PROMQL_WORDS = new Set([
  'sum',
  'max',
  'min',
  'by',
  'rate',
  'increase',
  'histogram_quantile',
  'time',
  'le',
]);
const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

/** Metric names in a PromQL expression: identifiers followed by `{`, `[`, whitespace or the end, minus functions and labels. */
function metricNames(expr: string): string[] {
  const withoutStrings = expr.replace(/"[^"]*"/g, '""').replace(/\{[^}]*\}/g, '{}');
  const names = withoutStrings.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return names.filter((n) => !PROMQL_WORDS.has(n) && !/^(by|on|without)$/.test(n) && /_|^up$/.test(n));
}

function dashboardExprs(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const dir = join(ROOT, 'infra', 'grafana');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const d = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    out.set(
      f,
      d.panels.flatMap((p) => p.targets.map((t) => t.expr)),
    );
  }
  return out;
}

function ruleExprs(): string[] {
  const doc = parse(readFileSync(join(ROOT, 'infra', 'prometheus', 'openwatch.rules.yml'), 'utf8')) as {
    groups: { rules: { expr: string }[] }[];
  };
  return doc.groups.flatMap((g) => g.rules.map((r) => r.expr));
}

/** Every series name the live exposition declares, histograms with their _bucket/_sum/_count. */
function exported(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\w+)$/gm)) {
    const [, name = '', type] = m;
    names.add(name);
    if (type === 'histogram') for (const s of HISTOGRAM_SUFFIXES) names.add(name + s);
  }
  return names;
}

describe('dashboards and alert rules use only metrics the code exports', () => {
  let t: TestDatabase;
  let serve: ApiTarget;
  let live: Set<string>;

  beforeAll(async () => {
    t = await createTestDatabase();
    serve = await startNodeServe({ dsn: t.dsn });
    // No token configured: loopback clients (this test) are served.
    const res = await serve.fetch('/metrics');
    expect(res.status).toBe(200);
    live = exported(await res.text());
  }, 90_000);
  afterAll(async () => {
    await serve?.stop();
    await t?.drop();
  });

  it('has at least three dashboards: service health, API, scans and fleet', () => {
    expect([...dashboardExprs().keys()].sort()).toEqual([
      'openwatch-api.json',
      'openwatch-scans-fleet.json',
      'openwatch-service-health.json',
    ]);
  });

  it('every metric named in a dashboard or a rule is in the live /metrics output', () => {
    const used = new Set([...[...dashboardExprs().values()].flat(), ...ruleExprs()].flatMap(metricNames));
    expect(used.size).toBeGreaterThan(20);
    const unknown = [...used].filter((n) => !live.has(n) && !PROMETHEUS_OWN.has(n));
    expect(unknown).toEqual([]);
  });

  it('the cross-check itself catches a misspelt metric', () => {
    expect(metricNames('sum(rate(openwatch_http_request_total[5m]))').filter((n) => !live.has(n))).toEqual([
      'openwatch_http_request_total',
    ]);
  });
});
