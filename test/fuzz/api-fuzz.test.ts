import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { BAD_IDS, BAD_QUERY, bodiesFor, seeded } from './inputs.ts';

interface Parameter {
  name: string;
  in: 'path' | 'query';
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: { 'application/json': { schema: { properties?: Record<string, unknown> } } } };
}
interface Probe {
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

/** Text that must never reach a client: driver and runtime internals, stack frames, SQL. */
const INTERNAL =
  /node_modules|\bat [\w.<>]+ \([^)]*:\d+:\d+\)|SQLSTATE|\bpg_|syntax error|violates|relation "|duplicate key|TypeError|ReferenceError|RangeError|Unexpected token|ECONNREFUSED|\/work\//;

const BODIES_PER_OPERATION = 12;
const MEMORY_BOUND_BYTES = 400 * 1024 * 1024;

/** The invalid requests for one operation: each path parameter, each query parameter, the body, headers. */
function probesFor(method: string, template: string, op: Operation, rnd: () => number): Probe[] {
  const params = op.parameters ?? [];
  const fill = (bad?: { name: string; value: string }) =>
    template.replace(/\{(\w+)\}/g, (_, n: string) => (bad?.name === n ? bad.value : randomUUID()));
  const out: Probe[] = [];
  for (const p of params.filter((x) => x.in === 'path'))
    for (const value of BAD_IDS) out.push({ method, path: fill({ name: p.name, value }) });
  for (const p of params.filter((x) => x.in === 'query'))
    for (const value of BAD_QUERY) out.push({ method, path: `${fill()}?${p.name}=${value}` });
  const json = op.requestBody?.content['application/json'].schema;
  if (json) {
    for (const body of bodiesFor(Object.keys(json.properties ?? {}), rnd, BODIES_PER_OPERATION))
      out.push({ method, path: fill(), body, headers: { 'content-type': 'application/json' } });
    out.push({ method, path: fill(), body: '{}', headers: { 'content-type': 'text/plain' } });
  }
  out.push({ method, path: fill(), headers: { 'idempotency-key': 'x'.repeat(500) } });
  out.push({ method, path: fill(), headers: { 'x-correlation-id': 'bad id with spaces' } });
  return out;
}

describe('API fuzz: every OpenAPI operation with invalid bodies, parameters and headers', () => {
  let t: TestDatabase;
  let a: TestApp;
  let doc: { paths: Record<string, Record<string, Operation>> };

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db, { login_limit_per_ip: 1_000_000, login_limit_per_account: 1_000_000 });
    await seedUser(t.db, 'fuzz_admin', ['admin']);
    doc = (await (await a.call('GET', '/api/v1/openapi.json')).json()) as typeof doc;
  }, 60_000);
  afterAll(async () => t.drop());

  it('answers no 5xx and no internal text, and memory stays bounded', async () => {
    const rnd = seeded(11);
    const failures: string[] = [];
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    let sent = 0;
    let access_token = (await loginAs(a, 'fuzz_admin')).access_token;
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
    );
    expect(operations.length).toBeGreaterThan(60);
    for (const { path, method, op } of operations) {
      // Sign-out and password routes may end the session: sign in again once it stops working.
      if ((await a.call('GET', '/api/v1/auth/me', { token: access_token })).status === 401)
        access_token = (await loginAs(a, 'fuzz_admin')).access_token;
      for (const probe of probesFor(method, path, op, rnd)) {
        const res = await a.app.fetch(
          new Request(`https://openwatch.test${probe.path}`, {
            method: probe.method,
            headers: { authorization: `Bearer ${access_token}`, ...probe.headers },
            ...(probe.body !== undefined && method !== 'GET' ? { body: probe.body } : {}),
          }),
          undefined,
          { clientIp: '203.0.113.9' },
        );
        // A live event stream stays open for minutes by design: its status is the answer; stop reading.
        const streaming = res.headers.get('content-type')?.startsWith('text/event-stream') === true;
        const text = streaming ? (await res.body?.cancel(), '') : await res.text();
        sent += 1;
        if (res.status >= 500 || INTERNAL.test(text))
          failures.push(
            `${probe.method} ${probe.path.slice(0, 120)} ${probe.body?.slice(0, 80) ?? ''} → ${res.status} ${text.slice(0, 200)}`,
          );
      }
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(1_500);
    expect(peak - rssBefore).toBeLessThan(MEMORY_BOUND_BYTES);
    expect((await a.call('GET', '/health/live')).status).toBe(200);
    console.log(
      `fuzz: ${sent} requests over ${operations.length} operations, peak RSS growth ${Math.round((peak - rssBefore) / 1e6)} MB`,
    );
  }, 180_000);
});
