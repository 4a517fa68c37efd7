import type { IdentityRuntime } from '../../core/identity/runtime.ts';
import type { IdentitySettings } from '../../core/config/schema.ts';
import type { Db } from '../../core/db/types.ts';
import { createUser } from '../../core/identity/accounts.ts';
import { createLogger } from '../../core/log.ts';
import { nodeCommonPasswords } from '../../core/node/identity-runtime.ts';
import { nodeSshKeys } from '../../core/node/ssh-key.ts';
import { createApp, type App } from '../../functions/app.ts';
import type { AppServices } from '../../functions/http/route.ts';
import { testIdentityRuntime } from './identity.ts';

/** A password that passes the policy for any account (15+ characters, not common, no username). */
export const STRONG = 'violet-harbour-quietly-47-lanterns';

export interface TestApp {
  app: App;
  identity: ReturnType<typeof testIdentityRuntime>;
  logs: string[];
  call(
    method: string,
    path: string,
    o?: { token?: string; body?: unknown; ip?: string; headers?: Record<string, string> },
  ): Promise<Response>;
}

/** The real app in-process against a test database, with made-up keys. */
export function testApp(
  db: Db,
  settings: Partial<Record<keyof IdentitySettings, number>> = {},
  keys?: Pick<IdentityRuntime, 'keyring' | 'jobKey'>,
  extra: Pick<AppServices, 'reportKey'> = {},
): TestApp {
  const logs: string[] = [];
  const identity = Object.assign(testIdentityRuntime(settings), keys ?? {});
  const app = createApp({
    services: {
      runtime: 'node',
      runtimeVersion: 'test',
      buildInfo: { version: 't', commit: 't', build_time: 't' },
      log: createLogger({ level: 'debug', format: 'json', write: (l) => logs.push(l) }),
      identity,
      sshKeys: nodeSshKeys,
      ...extra,
    },
    openDb: () => ({ db, release: async () => undefined }),
  });
  return {
    app,
    identity,
    logs,
    call: (method, path, o = {}) =>
      app.fetch(
        new Request(`https://openwatch.test${path}`, {
          method,
          headers: {
            ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
            ...o.headers,
          },
          ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
        }),
        undefined,
        { clientIp: o.ip ?? '192.0.2.1' },
      ),
  };
}

/** Creates a user straight in the database (as `create-admin` does), returning its id. */
export async function seedUser(
  db: Db,
  username: string,
  roles: string[],
  password = STRONG,
): Promise<string> {
  const common = await nodeCommonPasswords();
  const r = await db.transaction((tx) =>
    createUser(
      tx,
      { username, email: `${username}@example.test`, displayName: username, password, roles },
      common,
    ),
  );
  if (!r.ok) throw new Error(`seedUser ${username}: ${r.reason}`);
  return r.user.id;
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
}

export async function loginAs(t: TestApp, username: string, password = STRONG, ip?: string): Promise<Tokens> {
  const res = await t.call('POST', '/api/v1/auth/login', {
    body: { username, password },
    ...(ip ? { ip } : {}),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Tokens;
}

/** Set-Cookie values of a response (Headers#getSetCookie, typed loosely: the editor's workerd types lack it). */
export function setCookies(res: Response): string[] {
  const h = res.headers as unknown as { getSetCookie(): string[] };
  return h.getSetCookie();
}
