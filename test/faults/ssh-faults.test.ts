import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log.ts';
import { BUNDLED_RULES_DIR } from '../../core/node/paths.ts';
import { loadRules, type Rule } from '../../engine/index.ts';
import { dbHostKeyStore } from '../../runner/host-keys.ts';
import { scanJobHandler } from '../../runner/scan-job.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { freePort } from '../helpers/net.ts';
import { SshLab, type SshdHost } from '../helpers/sshd.ts';

const CONNECT_TIMEOUT_MS = 3_000;
const SCAN_TIMEOUT_MS = 8_000;
/** Each fault must be decided within its own budget plus scheduling slack on a busy machine. */
const SLACK_MS = 10_000;

/** root needs no sudo, so a forced command is the first thing the scan meets. */
type User = 'sudoNopasswd' | 'sudoPassword' | 'root';

interface Outcome {
  status: string;
  code: string | undefined;
  message: string | undefined;
  ms: number;
}

/**
 * SSH faults against real sshd hosts (network namespaces) through the runner's real scan handler, each
 * scan run as its last attempt so the scan's final status is decided at once.
 */
describe('SSH faults: each a distinct, correct status within its deadline', () => {
  let t: TestDatabase;
  let app: TestApp;
  let token: string;
  let lab: SshLab;
  let rules: readonly Rule[];
  let silent: Server;
  const quiet = createLogger({ level: 'error', format: 'json', write: () => undefined });

  beforeAll(async () => {
    t = await createTestDatabase();
    app = testApp(t.db);
    await seedUser(t.db, 'faults_admin', ['admin']);
    token = (await loginAs(app, 'faults_admin')).access_token;
    lab = await SshLab.create();
    rules = (await loadRules([BUNDLED_RULES_DIR])).rules;
    silent = createServer(() => undefined); // accepts TCP, never speaks SSH
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  }, 120_000);
  afterAll(async () => {
    silent?.close();
    await lab?.cleanup();
    await t?.drop();
  });

  const api = async <T>(method: string, path: string, body?: unknown) => {
    const res = await app.call(method, path, { token, ...(body !== undefined ? { body } : {}) });
    return { status: res.status, body: (await res.json()) as T };
  };

  async function credential(user: User): Promise<string> {
    const res = await api<{ id: string }>('POST', '/api/v1/credentials', {
      name: `c-${user}-${Math.random().toString(36).slice(2)}`,
      username: user === 'root' ? 'root' : lab.users[user].name,
      auth_method: 'key',
      private_key: lab.keys.clientKey,
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function addHost(
    name: string,
    target: { address: string; port: number },
    user: User = 'sudoNopasswd',
  ): Promise<string> {
    const host = await api<{ id: string }>('POST', '/api/v1/hosts', {
      hostname: name,
      address: target.address,
      port: target.port,
      credential_id: await credential(user),
    });
    expect(host.status, JSON.stringify(host.body)).toBe(201);
    return host.body.id;
  }

  async function scanOnce(
    name: string,
    target: { address: string; port: number },
    user: User = 'sudoNopasswd',
  ): Promise<Outcome> {
    return scanHostOnce(await addHost(name, target, user));
  }

  async function scanHostOnce(hostId: string): Promise<Outcome> {
    const host = { body: { id: hostId } };
    const scan = await api<{ id: string }>('POST', `/api/v1/hosts/${host.body.id}/scans`, {});
    const handler = scanJobHandler({
      db: t.db,
      allowLocalTransport: false,
      keyring: () => app.identity.keyring(),
      rules: async () => rules,
      hostKeys: dbHostKeyStore(t.db, quiet),
      log: quiet,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      scanTimeoutMs: SCAN_TIMEOUT_MS,
      traversal: 'skip',
    });
    const started = Date.now();
    const job = {
      id: '0',
      kind: 'scan',
      payload: { scan_id: scan.body.id, host_id: host.body.id },
      attempts: 1,
      maxAttempts: 1,
    };
    await handler(job, new AbortController().signal).catch(() => undefined);
    const ms = Date.now() - started;
    // The handler ran outside the queue: retire its job so the host can be scanned again.
    await t.db.query(
      `update jobs set state = 'cancelled' where id = (select job_id from scans where id = $1)`,
      [scan.body.id],
    );
    const s = await api<{ status: string; error: { code: string; message: string } | null }>(
      'GET',
      `/api/v1/scans/${scan.body.id}`,
    );
    return { status: s.body.status, code: s.body.error?.code, message: s.body.error?.message, ms };
  }

  const outcomes = new Map<string, Outcome>();
  const netnsHost = (o: Parameters<SshLab['startHost']>[0] = {}): Promise<SshdHost> =>
    lab.startHost({ netns: true, ...o });

  it('connection refused → unreachable', async () => {
    // A live host's address on a port nothing listens on (a stopped host's address may be reused by
    // another test's namespace at once on a shared machine).
    const h = await netnsHost();
    const o = await scanOnce('refused', { address: h.address, port: 2 });
    outcomes.set('refused', o);
    expect(o).toMatchObject({ status: 'failed', code: 'unreachable' });
    expect(o.ms).toBeLessThan(CONNECT_TIMEOUT_MS + SLACK_MS);
  }, 60_000);

  it('accepts TCP and never answers → timeout within the connect deadline', async () => {
    const addr = silent.address();
    const port = addr && typeof addr === 'object' ? addr.port : await freePort();
    const o = await scanOnce('silent', { address: '127.0.0.1', port });
    outcomes.set('silent', o);
    expect(o).toMatchObject({ status: 'failed', code: 'timeout' });
    expect(o.ms).toBeLessThan(CONNECT_TIMEOUT_MS + SLACK_MS);
  }, 60_000);

  /** Hosts whose every command is replaced (root needs no sudo, so the scan meets it first). */
  const forced: { name: string; command: string; what: string; code: string; message?: RegExp }[] = [
    { name: 'hangs', command: 'sleep 600', what: 'hangs mid-scan (every command blocks)', code: 'timeout' },
    {
      name: 'closes',
      command: 'exit 0',
      what: 'closes the channel without output',
      code: 'channel_closed',
      message: /closed the session without any output .*ForceCommand/,
    },
    {
      name: 'floods',
      command: 'yes | head -c 100000000',
      what: 'prints 100 MB',
      code: 'output_overflow',
      message: /printed more than 64 MiB instead of running the scan .*ForceCommand/,
    },
  ];
  for (const c of forced) {
    it(`${c.what} → ${c.code} within the scan deadline, memory bounded`, async () => {
      const h = await netnsHost({ serverConfig: [`ForceCommand ${c.command}`] });
      const rssBefore = process.memoryUsage().rss;
      const o = await scanOnce(c.name, h, 'root');
      outcomes.set(c.name, o);
      expect(o).toMatchObject({ status: 'failed', code: c.code });
      if (c.message) expect(o.message).toMatch(c.message);
      expect(o.ms).toBeLessThan(SCAN_TIMEOUT_MS + SLACK_MS);
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
    }, 60_000);
  }

  it('host key changed → host_key_mismatch, nothing run', async () => {
    const first = await netnsHost();
    const hostId = await addHost('rekeyed', first);
    // The first scan pins the key on first use (tofu).
    expect((await scanHostOnce(hostId)).status).toBe('completed');
    const impostor = await netnsHost({ hostKeys: [lab.keys.otherHostKeyPath] });
    const moved = await api('PATCH', `/api/v1/hosts/${hostId}`, {
      address: impostor.address,
      port: impostor.port,
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const o = await scanHostOnce(hostId);
    outcomes.set('rekeyed', o);
    expect(o).toMatchObject({ status: 'failed', code: 'host_key_mismatch' });
    expect(impostor.log()).not.toMatch(/Accepted publickey/);
  }, 90_000);

  it('sudo asks for a password → sudo_refused', async () => {
    const h = await netnsHost();
    const o = await scanOnce('sudo-password', h, 'sudoPassword');
    outcomes.set('sudo-password', o);
    expect(o).toMatchObject({ status: 'failed', code: 'sudo_refused' });
  }, 60_000);

  it('the statuses are distinct where the causes are', () => {
    console.log(JSON.stringify(Object.fromEntries(outcomes)));
    const codes = ['refused', 'silent', 'closes', 'floods', 'rekeyed', 'sudo-password'].map(
      (k) => outcomes.get(k)?.code,
    );
    expect(new Set(codes).size).toBe(codes.length);
  });
});
