/**
 * `npm run bench -- fleet [hosts] [concurrency]`: end-to-end fleet throughput. Starts `hosts` (default 100)
 * real OpenSSH servers, each in a network namespace of its own with an address inside it (created and
 * removed here; needs root), registers a credential and the hosts through the API (in-process app on a
 * fresh database), queues one scan per host through the API, and times one runner (`concurrency` scans
 * at once, default 25) from the first request until every scan has completed and its results are written.
 * Scans use the whole bundled corpus with the filesystem walk skipped (every namespace host shares this
 * machine's filesystem; one walk takes ~10 s here), as a target fleet's walks run on their own hosts.
 * Prints per-phase times and the runner process's peak RSS.
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { poolDb } from '../../core/db/node-pool.ts';
import { createLogger } from '../../core/log.ts';
import { writeSecretFile } from '../../core/node/files.ts';
import { nodeCredentialKeys } from '../../core/node/identity-runtime.ts';
import { newCredentialKey } from '../../core/node/keys.ts';
import { benchDatabase } from '../db.ts';
import { startRunner } from '../../runner/start.ts';
import { loginAs, seedUser, testApp } from '../../test/helpers/auth.ts';
import { SshLab } from '../../test/helpers/sshd.ts';

const HOSTS = Number(process.argv[2] ?? 100);
const CONCURRENCY = Number(process.argv[3] ?? 25);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const dir = mkdtempSync(join(tmpdir(), 'ow-fleet-'));
const bench = await benchDatabase();
const dsn = bench.dsn;
const db = poolDb(dsn, { max: CONCURRENCY + 6, applicationName: 'openwatch-bench-fleet' });
let lab: SshLab | undefined;
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
try {
  const keyFile = join(dir, 'credential.key');
  writeSecretFile(keyFile, newCredentialKey());
  const keys = nodeCredentialKeys(keyFile);
  const app = testApp(db, {}, keys);
  await seedUser(db, 'bench', ['admin']);
  const token = (await loginAs(app, 'bench')).access_token;
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await app.call(method, path, { token, ...(body !== undefined ? { body } : {}) });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  let t0 = performance.now();
  lab = await SshLab.create();
  const hosts = [];
  for (let i = 0; i < HOSTS; i++) hosts.push(await lab.startHost({ netns: true }));
  const startMs = performance.now() - t0;

  const cred = await api<{ id: string }>('POST', '/api/v1/credentials', {
    name: 'bench',
    username: lab.users.sudoNopasswd.name,
    auth_method: 'key',
    private_key: lab.keys.clientKey,
    is_default: true,
  });
  const imported = await api<{ results: Array<{ id?: string; status: string }> }>(
    'POST',
    '/api/v1/hosts/import',
    {
      hosts: hosts.map((h, i) => ({
        hostname: `node-${i}`,
        address: h.address,
        port: h.port,
        credential_id: cred.id,
      })),
    },
  );
  const hostIds = imported.results.flatMap((r) => (r.id ? [r.id] : []));
  if (hostIds.length !== HOSTS) throw new Error(`imported ${hostIds.length} of ${HOSTS} hosts`);

  const log = createLogger({ level: 'warn', format: 'json', write: (l) => process.stderr.write(`${l}\n`) });
  const runner = await startRunner({
    db,
    dsn,
    keys,
    log,
    concurrency: CONCURRENCY,
    pollIntervalMs: 1000,
    traversal: 'skip',
  });
  t0 = performance.now();
  const scanIds: string[] = [];
  for (const id of hostIds)
    scanIds.push((await api<{ id: string }>('POST', `/api/v1/hosts/${id}/scans`, {})).id);
  const enqueueMs = performance.now() - t0;
  let done = 0;
  for (;;) {
    const { rows } = await db.query<{ status: string; n: string }>(
      `select status, count(*) as n from scans where id = any($1::uuid[]) group by status`,
      [scanIds],
    );
    const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    done = (by.completed ?? 0) + (by.failed ?? 0);
    if (done === HOSTS || performance.now() - t0 > 600_000) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const totalMs = performance.now() - t0;
  await runner.stop(5_000);
  const { rows } = await db.query<{ status: string; n: string; results: string }>(
    `select s.status, count(*) as n, sum(coalesce(s.total, 0)) as results from scans s
      where s.id = any($1::uuid[]) group by s.status`,
    [scanIds],
  );
  const { rows: tx } = await db.query<{ n: string }>('select count(*) as n from transactions');
  console.log(
    `fleet bench: ${HOSTS} hosts (sshd each in its own network namespace), runner concurrency ${CONCURRENCY}`,
  );
  console.log(`  start ${HOSTS} sshd hosts:          ${secs(startMs)}`);
  console.log(`  queue ${HOSTS} scans through the API: ${secs(enqueueMs)}`);
  console.log(`  all scans finished (first request → last result written): ${secs(totalMs)}`);
  for (const r of rows) console.log(`  ${r.status}: ${r.n} scans, ${r.results} rule results`);
  console.log(`  transactions written: ${tx[0]?.n}`);
  console.log(`  peak RSS of this process (API + runner + harness): ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
} finally {
  clearInterval(sampler);
  await lab?.cleanup();
  await db.close();
  await bench.drop();
  rmSync(dir, { recursive: true, force: true });
}
