import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

interface Created {
  id: string;
  token: string;
}

describe('one rule for acting on more privileged users, tokens included', () => {
  let t: TestDatabase;
  let a: TestApp;
  let boss: string;
  let sec: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    a = testApp(t.db);
    await seedUser(t.db, 'policy_boss', ['admin']);
    await seedUser(t.db, 'policy_sec', ['security_admin']);
    boss = (await loginAs(a, 'policy_boss')).access_token;
    sec = (await loginAs(a, 'policy_sec')).access_token;
  });
  afterAll(async () => t.drop());

  const create = async (token: string, role: string): Promise<Created> => {
    const res = await a.call('POST', '/api/v1/auth/tokens', { token, body: { name: role, role } });
    expect(res.status).toBe(201);
    return (await res.json()) as Created;
  };
  const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

  it('a viewer-role token cannot revoke its owner’s stronger token, but can revoke itself', async () => {
    const viewer = await create(boss, 'viewer');
    const strong = await create(boss, 'admin');
    const denied = await a.call('DELETE', `/api/v1/auth/tokens/${strong.id}`, { token: viewer.token });
    expect(denied.status).toBe(403);
    expect(await code(denied)).toBe('target_more_privileged');
    expect((await a.call('GET', '/api/v1/auth/me', { token: strong.token })).status).toBe(200);
    expect((await a.call('DELETE', `/api/v1/auth/tokens/${viewer.id}`, { token: viewer.token })).status).toBe(
      204,
    );
    expect((await a.call('DELETE', `/api/v1/auth/tokens/${strong.id}`, { token: boss })).status).toBe(204);
  });

  it('tokens:manage does not reach an administrator’s token; it does reach a peer’s, and an admin reaches all', async () => {
    const bossToken = await create(boss, 'viewer');
    const denied = await a.call('DELETE', `/api/v1/tokens/${bossToken.id}`, { token: sec });
    expect(denied.status).toBe(403);
    expect(await code(denied)).toBe('target_more_privileged');
    const { rows } = await t.db.query<{ details: { reason: string; target_token_id: string } }>(
      `select details from audit_events where code = 'authz.denied' order by id desc limit 1`,
    );
    expect(rows[0]?.details).toMatchObject({
      reason: 'target_more_privileged',
      target_token_id: bossToken.id,
    });
    const secToken = await create(sec, 'viewer');
    expect((await a.call('DELETE', `/api/v1/tokens/${secToken.id}`, { token: boss })).status).toBe(204);
    expect((await a.call('DELETE', `/api/v1/tokens/${bossToken.id}`, { token: boss })).status).toBe(204);
  });

  it('every authenticated answer, success or error, says Cache-Control: no-store', async () => {
    for (const res of [
      await a.call('GET', '/api/v1/hosts', { token: boss }),
      await a.call('GET', '/api/v1/auth/me', { token: sec }),
      await a.call('GET', '/api/v1/users/00000000-0000-4000-8000-000000000000', { token: boss }),
      await a.call('GET', '/api/v1/hosts', { token: 'not-a-token' }),
    ])
      expect(res.headers.get('cache-control')).toBe('no-store');
  });
});
