import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, seedUser, STRONG, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

interface Err {
  error: { code: string; details?: unknown };
}

describe('users, roles and API tokens', () => {
  let t: TestDatabase;
  let a: TestApp;
  let root: string;
  let sec: string;
  let rootId: string;

  const code = async (res: Response) => ((await res.json()) as Err).error.code;
  const auditCodes = async () =>
    (await t.db.query<{ code: string }>('select code from audit_events order by id')).rows.map((r) => r.code);

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db, { login_limit_per_ip: 1000 });
    rootId = await seedUser(t.db, 'root', ['admin']);
    await seedUser(t.db, 'sec', ['security_admin']);
    root = (await loginAs(a, 'root')).access_token;
    sec = (await loginAs(a, 'sec')).access_token;
  });
  afterAll(async () => t.drop());

  it('creates users under the password policy (15 characters for privileged roles) and refuses taken names', async () => {
    const body = {
      username: 'Frank',
      email: 'frank@example.test',
      password: 'thirteen char',
      roles: ['operator'],
    };
    const created = await a.call('POST', '/api/v1/users', { token: root, body });
    expect(created.status).toBe(201);
    const frank = (await created.json()) as { id: string; username: string; roles: string[] };
    expect(frank).toMatchObject({ username: 'frank', roles: ['operator'] });
    expect(JSON.stringify(frank)).not.toMatch(/scrypt|thirteen/);

    const taken = await a.call('POST', '/api/v1/users', { token: root, body });
    expect(taken.status).toBe(409);
    const weakAdmin = await a.call('POST', '/api/v1/users', {
      token: root,
      body: { ...body, username: 'gina', roles: ['admin'] },
    });
    expect(weakAdmin.status).toBe(422);
    expect(await code(weakAdmin)).toBe('weak_password');
    const common = await a.call('POST', '/api/v1/users', {
      token: root,
      body: { ...body, username: 'hank', password: 'qwertyqwerty' },
    });
    expect(((await common.json()) as Err).error.details).toEqual([
      { field: 'password', message: 'password is on the list of common or breached passwords' },
    ]);
    const list = (await (await a.call('GET', '/api/v1/users?limit=2', { token: root })).json()) as {
      items: Array<{ username: string }>;
      next_cursor: string;
    };
    expect(list.items.map((u) => u.username)).toEqual(['frank', 'root']);
    const page2 = (await (
      await a.call('GET', `/api/v1/users?limit=2&cursor=${list.next_cursor}`, { token: root })
    ).json()) as {
      items: Array<{ username: string }>;
      next_cursor: string | null;
    };
    expect(page2).toEqual({ items: [expect.objectContaining({ username: 'sec' })], next_cursor: null });
  });

  it('nobody grants a permission they do not hold, nor manages a more privileged account', async () => {
    const escalate = await a.call('POST', '/api/v1/users', {
      token: sec,
      body: { username: 'mallory', email: 'm@example.test', password: STRONG, roles: ['admin'] },
    });
    expect(escalate.status).toBe(403);
    expect(await code(escalate)).toBe('cannot_grant');
    const reset = await a.call('POST', `/api/v1/users/${rootId}/password`, {
      token: sec,
      body: { new_password: STRONG + 'x' },
    });
    expect(reset.status).toBe(403);
    expect(await code(reset)).toBe('target_more_privileged');
    const role = await a.call('POST', '/api/v1/roles', {
      token: sec,
      body: { name: 'scanner', permissions: ['scans:run'] },
    });
    expect(role.status).toBe(403);
    const denials = await t.db.query(`select 1 from audit_events where code = 'authz.denied'`);
    expect(denials.rows).toHaveLength(3);
  });

  it('disabling revokes sessions and API tokens; nobody disables themself; enable, delete', async () => {
    const frankId = (await t.db.query<{ id: string }>(`select id from users where username = 'frank'`))
      .rows[0]?.id;
    const frank = await loginAs(a, 'frank', 'thirteen char');
    const tok = (await (
      await a.call('POST', '/api/v1/auth/tokens', {
        token: frank.access_token,
        body: { name: 'ci', role: 'viewer' },
      })
    ).json()) as { token: string };
    expect((await a.call('GET', '/api/v1/auth/me', { token: tok.token })).status).toBe(200);

    expect(await code(await a.call('POST', `/api/v1/users/${rootId}/disable`, { token: root }))).toBe(
      'self_action',
    );
    const disabled = await a.call('POST', `/api/v1/users/${frankId}/disable`, { token: root });
    expect(disabled.status).toBe(200);
    expect(((await disabled.json()) as { disabled: boolean }).disabled).toBe(true);
    expect((await a.call('GET', '/api/v1/auth/me', { token: frank.access_token })).status).toBe(401);
    expect((await a.call('GET', '/api/v1/auth/me', { token: tok.token })).status).toBe(401);
    expect(
      (await a.call('POST', '/api/v1/auth/refresh', { body: { refresh_token: frank.refresh_token } })).status,
    ).toBe(401);
    expect(
      (await a.call('POST', '/api/v1/auth/login', { body: { username: 'frank', password: 'thirteen char' } }))
        .status,
    ).toBe(401);

    expect((await a.call('POST', `/api/v1/users/${frankId}/enable`, { token: root })).status).toBe(200);
    expect((await a.call('GET', '/api/v1/auth/me', { token: tok.token })).status).toBe(401);
    expect(
      (await a.call('POST', '/api/v1/auth/login', { body: { username: 'frank', password: 'thirteen char' } }))
        .status,
    ).toBe(200);

    expect((await a.call('DELETE', `/api/v1/users/${frankId}`, { token: root })).status).toBe(204);
    expect((await a.call('GET', `/api/v1/users/${frankId}`, { token: root })).status).toBe(404);
    const row = await t.db.query<{ deleted_at: Date | null }>('select deleted_at from users where id = $1', [
      frankId,
    ]);
    expect(row.rows[0]?.deleted_at).not.toBeNull();
    expect(await auditCodes()).toEqual(
      expect.arrayContaining(['user.disabled', 'user.enabled', 'user.deleted']),
    );
  });

  it('admin password reset revokes the sessions; self change needs the current password and keeps this session', async () => {
    const ivanId = await seedUser(t.db, 'ivan', ['viewer']);
    const ivan = await loginAs(a, 'ivan');
    const other = await loginAs(a, 'ivan');
    const newPw = 'a completely new passphrase';
    const wrong = await a.call('POST', '/api/v1/auth/me/password', {
      token: ivan.access_token,
      body: { current_password: 'not the password', new_password: newPw },
    });
    expect(wrong.status).toBe(403);
    const changed = await a.call('POST', '/api/v1/auth/me/password', {
      token: ivan.access_token,
      body: { current_password: STRONG, new_password: newPw },
    });
    expect(changed.status).toBe(204);
    expect((await a.call('GET', '/api/v1/auth/me', { token: ivan.access_token })).status).toBe(200);
    expect((await a.call('GET', '/api/v1/auth/me', { token: other.access_token })).status).toBe(401);

    const reset = await a.call('POST', `/api/v1/users/${ivanId}/password`, {
      token: root,
      body: { new_password: STRONG },
    });
    expect(reset.status).toBe(204);
    expect((await a.call('GET', '/api/v1/auth/me', { token: ivan.access_token })).status).toBe(401);
    expect(
      (await a.call('POST', '/api/v1/auth/login', { body: { username: 'ivan', password: STRONG } })).status,
    ).toBe(200);
  });

  it('custom roles: CRUD, permission union across roles, built-ins immutable', async () => {
    const created = await a.call('POST', '/api/v1/roles', {
      token: root,
      body: { name: 'scan_runner', description: 'runs scans', permissions: ['scans:run', 'scans:read'] },
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      name: 'scan_runner',
      builtin: false,
      permissions: ['scans:read', 'scans:run'],
    });
    const bogus = await a.call('POST', '/api/v1/roles', {
      token: root,
      body: { name: 'bogus', permissions: ['hosts:fly'] },
    });
    expect(bogus.status).toBe(400);
    expect(
      (await a.call('PATCH', '/api/v1/roles/viewer', { token: root, body: { permissions: [] } })).status,
    ).toBe(409);

    const judyId = await seedUser(t.db, 'judy', ['viewer']);
    const put = await a.call('PUT', `/api/v1/users/${judyId}/roles`, {
      token: root,
      body: { roles: ['viewer', 'scan_runner'] },
    });
    expect(put.status).toBe(200);
    const judy = await loginAs(a, 'judy');
    const perms = (await (
      await a.call('GET', '/api/v1/auth/me/permissions', { token: judy.access_token })
    ).json()) as {
      permissions: Array<{ name: string }>;
    };
    const names = perms.permissions.map((p) => p.name);
    expect(names).toContain('scans:run');
    expect(names).toContain('hosts:read');
    expect(names).not.toContain('hosts:manage');

    const patched = await a.call('PATCH', '/api/v1/roles/scan_runner', {
      token: root,
      body: { permissions: ['scans:read'] },
    });
    expect(await patched.json()).toMatchObject({ permissions: ['scans:read'] });
    expect((await a.call('DELETE', '/api/v1/roles/scan_runner', { token: root })).status).toBe(204);
    const after = (await (await a.call('GET', `/api/v1/users/${judyId}`, { token: root })).json()) as {
      roles: string[];
    };
    expect(after.roles).toEqual(['viewer']);
    expect(await auditCodes()).toEqual(
      expect.arrayContaining(['role.created', 'role.updated', 'role.deleted', 'user.roles.changed']),
    );
  });

  it('API tokens: shown once, stored hashed, bound to a role no higher than the creator, expiring, revocable', async () => {
    const kimId = await seedUser(t.db, 'kim', ['operator']);
    const kim = await loginAs(a, 'kim');
    const tooHigh = await a.call('POST', '/api/v1/auth/tokens', {
      token: kim.access_token,
      body: { name: 'x', role: 'admin' },
    });
    expect(tooHigh.status).toBe(403);
    const res = await a.call('POST', '/api/v1/auth/tokens', {
      token: kim.access_token,
      body: { name: 'ci', role: 'viewer', expires_in_days: 30 },
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; token: string; hint: string; expires_at: string };
    expect(created.token).toMatch(/^owk_[A-Za-z0-9_-]{43}$/);
    expect(created.hint).toBe(created.token.slice(0, 10));
    const stored = await t.db.query<{ token_hash: string }>(
      'select token_hash from api_tokens where id = $1',
      [created.id],
    );
    expect(stored.rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);

    const me = await a.call('GET', '/api/v1/auth/me/permissions', { token: created.token });
    const perms = ((await me.json()) as { permissions: Array<{ name: string }> }).permissions.map(
      (p) => p.name,
    );
    expect(perms).toContain('hosts:read');
    expect(perms).not.toContain('hosts:manage');
    // API tokens cannot mint tokens, change passwords or touch MFA.
    expect(
      await code(
        await a.call('POST', '/api/v1/auth/tokens', {
          token: created.token,
          body: { name: 'y', role: 'viewer' },
        }),
      ),
    ).toBe('session_required');
    const listed = (await (
      await a.call('GET', '/api/v1/auth/tokens', { token: kim.access_token })
    ).json()) as {
      items: Array<{ id: string; last_used_at: string | null }>;
    };
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect(listed.items[0]?.last_used_at).not.toBeNull();

    const all = await a.call('GET', '/api/v1/tokens', { token: sec });
    expect(((await all.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);
    expect((await a.call('DELETE', `/api/v1/auth/tokens/${created.id}`, { token: root })).status).toBe(404);
    expect(
      (await a.call('DELETE', `/api/v1/auth/tokens/${created.id}`, { token: kim.access_token })).status,
    ).toBe(204);
    expect((await a.call('GET', '/api/v1/auth/me', { token: created.token })).status).toBe(401);

    const expiring = (await (
      await a.call('POST', '/api/v1/auth/tokens', {
        token: kim.access_token,
        body: { name: 'old', role: 'viewer', expires_in_days: 1 },
      })
    ).json()) as { id: string; token: string };
    await t.db.query(`update api_tokens set expires_at = now() - interval '1 second' where id = $1`, [
      expiring.id,
    ]);
    expect((await a.call('GET', '/api/v1/auth/me', { token: expiring.token })).status).toBe(401);
    // Demoting the owner shrinks their tokens at once: a token holds (its role ∩ the owner's roles).
    const live = (await (
      await a.call('POST', '/api/v1/auth/tokens', {
        token: kim.access_token,
        body: { name: 'ops', role: 'operator' },
      })
    ).json()) as { token: string };
    await a.call('PUT', `/api/v1/users/${kimId}/roles`, { token: root, body: { roles: ['viewer'] } });
    const shrunk = await a.call('GET', '/api/v1/auth/me/permissions', { token: live.token });
    expect(
      ((await shrunk.json()) as { permissions: Array<{ name: string }> }).permissions.map((p) => p.name),
    ).not.toContain('hosts:manage');
  });

  it('a role bound to a live API token cannot be deleted; once the token is revoked it can', async () => {
    await a.call('POST', '/api/v1/roles', {
      token: root,
      body: { name: 'reader', permissions: ['hosts:read'] },
    });
    const created = (await (
      await a.call('POST', '/api/v1/auth/tokens', { token: root, body: { name: 'r', role: 'reader' } })
    ).json()) as { id: string };
    expect(await code(await a.call('DELETE', '/api/v1/roles/reader', { token: root }))).toBe('role_in_use');
    expect((await a.call('DELETE', `/api/v1/tokens/${created.id}`, { token: root })).status).toBe(204);
    expect((await a.call('DELETE', '/api/v1/roles/reader', { token: root })).status).toBe(204);
  });
});
