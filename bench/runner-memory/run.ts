/**
 * `npm run bench -- runner-memory [scans]`: the runner's resident memory across consecutive scans. Starts
 * one real OpenSSH server in a network namespace (needs root), registers it through the API (in-process
 * app on a fresh database) and starts `openwatch runner --concurrency 1 --traversal skip` as a child
 * process; then requests `scans` (default 100) scans of the host one after the other through the API,
 * each after the previous one completed, and samples the runner process's VmRSS (/proc/<pid>/status)
 * after every scan. Prints RSS after the 1st, 10th, 50th and last scan, the peak, and the growth from
 * the 10th scan (warm) to the last: a leak shows as growth proportional to the number of scans.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { poolDb } from '../../core/db/node-pool.ts';
import { writeSecretFile } from '../../core/node/files.ts';
import { nodeCredentialKeys } from '../../core/node/identity-runtime.ts';
import { newCredentialKey } from '../../core/node/keys.ts';
import { BIN, cleanEnv, ROOT } from '../../test/helpers/cli.ts';
import { loginAs, seedUser, testApp } from '../../test/helpers/auth.ts';
import { SshLab } from '../../test/helpers/sshd.ts';
import { benchDatabase } from '../db.ts';

const SCANS = Number(process.argv[2] ?? 100);
const mib = (kb: number) => `${(kb / 1024).toFixed(1)} MiB`;
const rssKb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

const dir = mkdtempSync(join(tmpdir(), 'ow-runner-mem-'));
const bench = await benchDatabase();
const db = poolDb(bench.dsn, { max: 4 });
let lab: SshLab | undefined;
const keyFile = join(dir, 'credential.key');
writeSecretFile(keyFile, newCredentialKey());
const runner = spawn(process.execPath, [BIN, 'runner', '--concurrency', '1', '--traversal', 'skip'], {
  cwd: ROOT,
  stdio: ['ignore', 'ignore', 'pipe'],
  env: {
    ...cleanEnv(),
    OPENWATCH_DATABASE_DSN: bench.dsn,
    OPENWATCH_IDENTITY_CREDENTIAL_KEY_FILE: keyFile,
    OPENWATCH_LOGGING_LEVEL: 'warn',
  },
});
let stderr = '';
runner.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
try {
  const app = testApp(db, {}, nodeCredentialKeys(keyFile));
  await seedUser(db, 'bench', ['admin']);
  const token = (await loginAs(app, 'bench')).access_token;
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await app.call(method, path, { token, ...(body !== undefined ? { body } : {}) });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  lab = await SshLab.create();
  const h = await lab.startHost({ netns: true });
  const cred = await api<{ id: string }>('POST', '/api/v1/credentials', {
    name: 'bench',
    username: lab.users.sudoNopasswd.name,
    auth_method: 'key',
    private_key: lab.keys.clientKey,
  });
  const host = await api<{ id: string }>('POST', '/api/v1/hosts', {
    hostname: 'mem-host',
    address: h.address,
    port: h.port,
    credential_id: cred.id,
  });
  const samples: number[] = [];
  const started = performance.now();
  let rules = 0;
  for (let i = 0; i < SCANS; i++) {
    // The scan row completes in the results' transaction, its job a moment later: until then the host's
    // job is still active and a new request is refused (409 scan_in_progress), so ask again.
    let scan: { id: string } | undefined;
    while (!scan) {
      const res = await app.call('POST', `/api/v1/hosts/${host.id}/scans`, { token, body: {} });
      if (res.status === 409) await new Promise((r) => setTimeout(r, 50));
      else if (res.status === 202) scan = (await res.json()) as { id: string };
      else throw new Error(`scan request: ${res.status} ${await res.text()}`);
    }
    for (;;) {
      const s = await api<{ status: string; counts?: { total: number }; error?: unknown }>(
        'GET',
        `/api/v1/scans/${scan.id}`,
      );
      if (s.status === 'completed') {
        rules = s.counts?.total ?? rules;
        break;
      }
      if (s.status === 'failed' || s.status === 'cancelled')
        throw new Error(`scan ${i + 1} ${s.status}: ${JSON.stringify(s.error)}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    samples.push(rssKb(runner.pid ?? 0));
  }
  const at = (n: number) => samples[Math.min(samples.length, n) - 1] ?? NaN;
  const secs = (performance.now() - started) / 1000;
  console.log(
    `runner memory: ${SCANS} consecutive scans of one host (${rules} rules each), ${secs.toFixed(0)} s`,
  );
  console.log(
    `  RSS after scan 1: ${mib(at(1))}, 10: ${mib(at(10))}, 50: ${mib(at(50))}, ${SCANS}: ${mib(at(SCANS))}`,
  );
  console.log(
    `  peak sampled: ${mib(Math.max(...samples))}; growth 10 → ${SCANS}: ${mib(at(SCANS) - at(10))}`,
  );
} finally {
  runner.kill('SIGTERM');
  await new Promise((r) => runner.once('exit', r));
  await lab?.cleanup();
  await db.close();
  await bench.drop();
  rmSync(dir, { recursive: true, force: true });
}
