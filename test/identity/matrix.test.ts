import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_ROLES, BUILTIN_ROLE_NAMES, type BuiltinRoleName } from '../../core/rbac/roles.ts';
import type { AnyRoute } from '../../functions/http/route.ts';
import { routes } from '../../functions/routes/index.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

/** A request that reaches the route without changing anything: unknown ids, and `{}` where a body is due. */
function probePath(route: AnyRoute): string {
  return route.path.replace(/:id\b/g, randomUUID()).replace(/:name\b/g, 'no_such_role');
}

function expectedAllowed(route: AnyRoute, role: BuiltinRoleName): boolean {
  if (route.permission === 'authenticated' || route.permission === 'public') return true;
  return BUILTIN_ROLES[role].permissions.includes(route.permission);
}

describe('role × route matrix', () => {
  let t: TestDatabase;
  let a: TestApp;
  const guarded = routes.filter((r) => r.permission !== 'public');

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db, { login_limit_per_ip: 10_000, login_limit_per_account: 10_000 });
    for (const role of BUILTIN_ROLE_NAMES) await seedUser(t.db, `matrix_${role}`, [role]);
  }, 120_000);
  afterAll(async () => t.drop());

  it('covers every non-public route', () => {
    expect(guarded.length).toBeGreaterThan(30);
  });

  for (const role of BUILTIN_ROLE_NAMES) {
    it(`${role}: allowed exactly where the registry grants it, 403 elsewhere, denials audited`, async () => {
      const before = await t.db.query<{ n: number }>(
        `select count(*)::int as n from audit_events where code = 'authz.denied'`,
      );
      const results: string[] = [];
      const wrong: string[] = [];
      let denied = 0;
      // Logout ends the session, so it goes last.
      const ordered = [...guarded].sort(
        (x, y) => Number(x.path.endsWith('/logout')) - Number(y.path.endsWith('/logout')),
      );
      const { access_token } = await loginAs(a, `matrix_${role}`);
      for (const route of ordered) {
        const res = await a.call(route.method, probePath(route), {
          token: access_token,
          ...(route.body ? { body: {} } : {}),
        });
        const allowed = expectedAllowed(route, role);
        const ok = allowed ? res.status !== 401 && res.status !== 403 : res.status === 403;
        if (!allowed) denied += 1;
        results.push(`${route.method} ${route.path} → ${res.status}`);
        if (!ok)
          wrong.push(
            `${route.method} ${route.path}: expected ${allowed ? 'allow' : '403'}, got ${res.status} ${await res.text()}`,
          );
      }
      expect(wrong).toEqual([]);
      const after = await t.db.query<{ n: number }>(
        `select count(*)::int as n from audit_events where code = 'authz.denied'`,
      );
      expect((after.rows[0]?.n ?? 0) - (before.rows[0]?.n ?? 0)).toBe(denied);
      expect(results).toHaveLength(guarded.length);
    }, 60_000);
  }

  for (const role of BUILTIN_ROLE_NAMES) {
    it(`${role} API token: the same matrix, and session-only routes refused`, async () => {
      const { access_token } = await loginAs(a, `matrix_${role}`);
      const made = await a.call('POST', '/api/v1/auth/tokens', {
        token: access_token,
        body: { name: `matrix-${role}`, role },
      });
      expect(made.status).toBe(201);
      const { token } = (await made.json()) as { token: string };
      const wrong: string[] = [];
      for (const route of guarded) {
        const res = await a.call(route.method, probePath(route), {
          token,
          ...(route.body ? { body: {} } : {}),
        });
        const allowed = expectedAllowed(route, role) && !route.sessionOnly;
        const ok = allowed ? res.status !== 401 && res.status !== 403 : res.status === 403;
        if (!ok)
          wrong.push(
            `${route.method} ${route.path}: expected ${allowed ? 'allow' : '403'}, got ${res.status}`,
          );
      }
      expect(wrong).toEqual([]);
    }, 60_000);
  }

  it('without credentials every non-public route is 401', async () => {
    for (const route of guarded) {
      const res = await a.call(route.method, probePath(route), route.body ? { body: {} } : {});
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
    }
  });
});
