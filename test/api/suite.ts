import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/routes/index.ts';
import type { ApiTarget } from '../helpers/api-servers.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { authSuite } from './auth-suite.ts';
import { fleetSuite } from './fleet-suite.ts';
import { resultsAtSuite } from './results-at-suite.ts';
import { jobsSuite } from './jobs-suite.ts';

interface Envelope {
  error: { code: string; message: string; correlation_id: string; details?: unknown };
}

/**
 * The API behaviour every runtime must show. Each runtime's test file calls this with a way to start
 * that runtime against a freshly migrated database.
 */
export function apiSuite(name: string, start: (dsn: string) => Promise<ApiTarget>): void {
  describe(`API on ${name}`, () => {
    let t: TestDatabase;
    let api: ApiTarget;

    beforeAll(async () => {
      t = await createTestDatabase();
      api = await start(t.dsn);
    });
    afterAll(async () => {
      await api?.stop();
      await t?.drop();
    });

    it('GET /api/v1/health reports a connected database', async () => {
      const res = await api.fetch('/api/v1/health');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        status: 'healthy',
        db_connected: true,
        version: expect.any(String),
      });
    });

    it('GET /api/v1/version names the runtime, commit and build time', async () => {
      const body = (await (await api.fetch('/api/v1/version')).json()) as Record<string, string>;
      expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(body.runtime?.startsWith(api.runtime)).toBe(true);
      expect(typeof body.commit).toBe('string');
      expect(typeof body.build_time).toBe('string');
    });

    it('probes: live always, ready once migrated', async () => {
      expect((await api.fetch('/health/live')).status).toBe(200);
      const ready = await api.fetch('/health/ready');
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', db_connected: true });
    });

    it('echoes a valid X-Correlation-Id and mints one for an invalid one', async () => {
      const given = await api.fetch('/api/v1/health', { headers: { 'x-correlation-id': 'req-123.abc' } });
      expect(given.headers.get('x-correlation-id')).toBe('req-123.abc');
      const bad = await api.fetch('/api/v1/health', {
        headers: { 'x-correlation-id': 'has spaces<script>' },
      });
      expect(bad.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('answers unknown paths with the 404 envelope carrying the correlation id', async () => {
      const res = await api.fetch('/api/v1/no-such-thing', { headers: { 'x-correlation-id': 'c-404' } });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({
        error: { code: 'not_found', message: 'no such resource', correlation_id: 'c-404' },
      });
    });

    it('answers a wrong method with 405 and Allow', async () => {
      const res = await api.fetch('/api/v1/health', { method: 'DELETE' });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET');
      expect(((await res.json()) as Envelope).error.code).toBe('method_not_allowed');
    });

    it('sets security headers on API responses', async () => {
      const res = await api.fetch('/api/v1/version');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    });

    it('serves the UI with a content security policy', async () => {
      const res = await api.fetch('/');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(await res.text()).toContain('<title>OpenWatch</title>');
    });

    it('publishes a valid OpenAPI 3.1 document listing every route', async () => {
      const doc = (await (await api.fetch('/api/v1/openapi.json')).json()) as {
        openapi: string;
        paths: Record<string, Record<string, { 'x-permission': string }>>;
      };
      const validator = new Validator();
      const result = await validator.validate(doc);
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
      expect(validator.version).toBe('3.1');
      const listed = Object.entries(doc.paths).flatMap(([p, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
      );
      const declared = routes.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
      expect(listed.sort()).toEqual(declared.sort());
      for (const ops of Object.values(doc.paths))
        for (const op of Object.values(ops)) expect(op['x-permission']).toBeTruthy();
    });

    authSuite(() => ({ api, t }));
    fleetSuite(() => ({ api, t }));
    resultsAtSuite(() => ({ api, t }));
    jobsSuite(() => ({ api, t }));
  });
}
