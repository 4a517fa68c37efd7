import { connect, createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolDb } from '../../core/db/node-pool.ts';
import type { Db } from '../../core/db/types.ts';
import { startWorkerd, type ApiTarget } from '../helpers/api-servers.ts';
import { seedUser, STRONG } from '../helpers/auth.ts';
import { waitFor } from '../helpers/net.ts';
import { ownedPostgres, type OwnedPostgres } from '../helpers/owned-pg.ts';

/**
 * A TCP forwarder to `target`, standing where Hyperdrive stands in production: it stays up while the
 * database behind it is down, and a connection it cannot make upstream is closed, not refused. Needed
 * because wrangler dev's local Hyperdrive emulation (miniflare's HyperdriveProxyController) connects to
 * the database without an 'error' listener: a refused connection ends the whole wrangler process.
 */
async function forwarder(target: { host: string; port: number }): Promise<Server> {
  const server = createServer((client) => {
    const upstream = connect(target);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/**
 * The worker (wrangler dev: workerd with its per-request client through the Hyperdrive binding) during a
 * PostgreSQL outage: a server this file owns is stopped and started again while a signed-in client calls.
 */
describe('workerd during a PostgreSQL outage', () => {
  let server: OwnedPostgres;
  let db: Db & { close(): Promise<void> };
  let api: ApiTarget;
  let access: string;
  let front: Server;

  beforeAll(async () => {
    server = await ownedPostgres();
    db = poolDb(server.dsn, { max: 2 });
    await seedUser(db, 'workerd_outage', ['admin']);
    const dsn = new URL(server.dsn);
    front = await forwarder({ host: dsn.hostname, port: Number(dsn.port) });
    const address = front.address();
    dsn.port = String(address && typeof address === 'object' ? address.port : 0);
    api = await startWorkerd(dsn.toString(), { assets: false });
    const login = await api.fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'workerd_outage', password: STRONG }),
    });
    expect(login.status).toBe(200);
    access = ((await login.json()) as { access_token: string }).access_token;
  }, 180_000);
  afterAll(async () => {
    await api?.stop();
    front?.close();
    await db?.close();
    await server?.destroy();
  });

  /** A request; a dropped connection fails with what the worker printed (its logs say why). */
  const get = (path: string) =>
    api.fetch(path, { headers: { authorization: `Bearer ${access}` } }).catch((err: unknown) => {
      throw new Error(`${path}: ${String(err)}\n--- worker output ---\n${api.output().slice(-4000)}`);
    });

  it('answers 503 database_unavailable with Retry-After, not 401; the client is still signed in after', async () => {
    expect((await get('/api/v1/hosts')).status).toBe(200);
    await server.stop();
    try {
      for (const path of ['/api/v1/hosts', '/api/v1/auth/me', '/api/v1/posture']) {
        const res = await get(path);
        const text = await res.text();
        expect(res.status, `${path}: ${text}`).toBe(503);
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(JSON.parse(text)).toMatchObject({ error: { code: 'database_unavailable' } });
        expect(text).not.toMatch(/ECONNREFUSED|57P0|terminat|pg_|127\.0\.0\.1/i);
      }
    } finally {
      await server.start();
    }
    const back = await waitFor(
      async () => {
        const res = await get('/api/v1/auth/me');
        return res.status === 200 ? res : undefined;
      },
      60_000,
      'the worker to answer again with the same token',
    );
    expect(await back.text()).toContain('"workerd_outage"');
    expect((await get('/api/v1/hosts')).status).toBe(200);
  }, 180_000);
});
