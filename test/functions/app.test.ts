import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../../core/log.ts';
import { createApp, type App } from '../../functions/app.ts';
import { ApiError, jsonResponse } from '../../functions/http/errors.ts';
import { defineRoute } from '../../functions/http/route.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { testIdentityRuntime } from '../helpers/identity.ts';

const echo = defineRoute({
  method: 'POST',
  path: '/api/v1/echo/:id',
  permission: 'public',
  summary: 'test',
  tags: ['test'],
  params: z.object({ id: z.string().regex(/^\d+$/) }),
  query: z.object({ verbose: z.enum(['yes', 'no']).optional() }),
  body: z.object({ name: z.string().min(1) }).strict(),
  responses: { 200: { description: 'ok' } },
  handler: async ({ params, query, body }) => jsonResponse({ params, query, body }),
});

const dbError = defineRoute({
  method: 'GET',
  path: '/api/v1/db-error',
  permission: 'public',
  summary: 'test',
  tags: ['test'],
  responses: {},
  // A real driver error: its message names the relation, which must not reach the client.
  handler: async ({ db }) => {
    await db.query('select * from secret_internal_table');
    return jsonResponse({});
  },
});

const teapot = defineRoute({
  method: 'GET',
  path: '/api/v1/teapot',
  permission: 'public',
  summary: 'test',
  tags: ['test'],
  responses: {},
  handler: async () => {
    throw new ApiError(418, 'teapot', 'short and stout', { spout: true });
  },
});

const guarded = defineRoute({
  method: 'GET',
  path: '/api/v1/guarded',
  permission: 'hosts:read',
  summary: 'test',
  tags: ['test'],
  responses: {},
  handler: async () => jsonResponse({ leaked: true }),
});

describe('createApp', () => {
  let t: TestDatabase;
  let app: App;
  const logs: string[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    const log = createLogger({ level: 'debug', format: 'json', write: (l) => logs.push(l) });
    app = createApp({
      services: {
        runtime: 'node',
        runtimeVersion: 'test',
        buildInfo: { version: 't', commit: 't', build_time: 't' },
        log,
        identity: testIdentityRuntime(),
      },
      openDb: () => ({ db: t.db, release: async () => undefined }),
      maxBodyBytes: 64,
      routes: [echo, dbError, teapot, guarded],
    });
  });
  afterAll(async () => t.drop());

  const post = (path: string, body: string, type = 'application/json') =>
    app.fetch(new Request(`http://x${path}`, { method: 'POST', body, headers: { 'content-type': type } }));

  it('validates params, query and body and hands the parsed values to the handler', async () => {
    const res = await post('/api/v1/echo/42?verbose=yes', JSON.stringify({ name: 'a' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      params: { id: '42' },
      query: { verbose: 'yes' },
      body: { name: 'a' },
    });
  });

  it('answers invalid input with 400 naming each field', async () => {
    const res = await post('/api/v1/echo/x?verbose=maybe', JSON.stringify({ name: '' }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: Array<{ field: string }> } };
    expect(body.error.code).toBe('validation_error');
    expect(body.error.details.map((d) => d.field)).toEqual(['params.id']);
    const unknownField = await post('/api/v1/echo/1', JSON.stringify({ name: 'a', admin: true }));
    expect(
      ((await unknownField.json()) as { error: { details: Array<{ field: string }> } }).error.details[0]
        ?.field,
    ).toBe('body');
  });

  it('rejects malformed, oversized and non-JSON bodies', async () => {
    expect((await post('/api/v1/echo/1', '{"name":')).status).toBe(400);
    expect((await post('/api/v1/echo/1', JSON.stringify({ name: 'x'.repeat(100) }))).status).toBe(413);
    expect((await post('/api/v1/echo/1', 'name=a', 'application/x-www-form-urlencoded')).status).toBe(415);
  });

  it('hides internal errors behind a generic 500 and logs the cause', async () => {
    const res = await app.fetch(
      new Request('http://x/api/v1/db-error', { headers: { 'x-correlation-id': 'boom-1' } }),
    );
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret_internal_table');
    expect(JSON.parse(text)).toEqual({
      error: { code: 'internal_error', message: 'internal server error', correlation_id: 'boom-1' },
    });
    const logged = logs.find((l) => l.includes('"unhandled error"'));
    expect(logged).toContain('secret_internal_table');
    expect(logged).toContain('boom-1');
  });

  it('passes our own errors through with their status, code and details', async () => {
    const res = await app.fetch(new Request('http://x/api/v1/teapot'));
    expect(res.status).toBe(418);
    expect(((await res.json()) as { error: object }).error).toMatchObject({
      code: 'teapot',
      details: { spout: true },
    });
  });

  it('denies a route that requires a permission when the caller is not authenticated', async () => {
    const res = await app.fetch(new Request('http://x/api/v1/guarded'));
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain('leaked');
  });
});
