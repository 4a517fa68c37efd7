import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { firstAdminByLink, scoredPosture, startDevServe, type DevServe } from '../helpers/first-run.ts';
import { freePort, waitFor } from '../helpers/net.ts';
import { postgresFor } from '../helpers/processes.ts';
import { tempDir } from '../helpers/tmp.ts';

/** The promise: a fresh start shows this machine's scored scan within a minute. */
const FIRST_MINUTE_MS = 60_000;

interface HostItem {
  id: string;
  hostname: string;
  description: string;
  transport: string;
}

describe('npm start (development mode): first administrator by link, this machine scanned at once', () => {
  const cwd = tempDir('ow-first-run');
  // mkdtemp makes 0700 directories; the cluster (run as the postgres user when we are root) must reach in.
  chmodSync(cwd, 0o755);
  let running: DevServe | undefined;
  afterAll(async () => {
    running?.child.kill('SIGKILL');
    for (const pid of postgresFor(join(cwd, '.openwatch', 'pgdata'))) process.kill(pid, 'SIGINT');
  });

  it('prints the setup link, scans this machine with results, evidence and a score, and restarts idempotently', async () => {
    const apiPort = await freePort();
    // The server's own environment must not reach local scan commands (and so evidence): a canary in it.
    const canary = `/nonexistent/ow-canary-${process.pid}`;
    const env = {
      OPENWATCH_SERVER_LISTEN: `127.0.0.1:${apiPort}`,
      OPENWATCH_DATABASE_EMBEDDED_PORT: String(await freePort()),
      PATH: `${canary}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    };
    const started = Date.now();
    running = startDevServe(cwd, env);
    const { get, setupStatus } = await firstAdminByLink(
      running,
      apiPort,
      { username: 'me', password: 'amber-lantern-over-the-quiet-firth-12' },
      FIRST_MINUTE_MS,
    );
    expect(setupStatus).toBe(201);

    const hosts = await get<{ items: HostItem[] }>('/api/v1/hosts');
    expect(hosts.items).toEqual([
      expect.objectContaining({ hostname: 'localhost', description: 'this machine', transport: 'local' }),
    ]);
    const hostId = hosts.items[0]?.id ?? '';
    const posture = await scoredPosture(
      get,
      hostId,
      Math.max(1000, FIRST_MINUTE_MS - (Date.now() - started)),
      `a scored posture within a minute of start: ${running.output()}`,
    );
    expect(Date.now() - started).toBeLessThanOrEqual(FIRST_MINUTE_MS);
    expect(posture.score).not.toBeNull();
    expect((posture.counts.pass ?? 0) + (posture.counts.fail ?? 0)).toBeGreaterThan(0);

    const scans = await get<{ items: { id: string; status: string; counts: { total: number } | null }[] }>(
      `/api/v1/scans?host_id=${hostId}`,
    );
    expect(scans.items).toHaveLength(1);
    const scan = scans.items[0];
    expect(scan?.status).toBe('completed');
    expect(scan?.counts?.total).toBeGreaterThan(100);
    const { results } = await get<{ results: { rule_id: string; status: string; evidence: unknown }[] }>(
      `/api/v1/scans/${scan?.id ?? ''}/results`,
    );
    const withEvidence = (status: string) =>
      results.some((r) => r.status === status && Array.isArray(r.evidence) && r.evidence.length > 0);
    expect(withEvidence('pass')).toBe(true);
    expect(withEvidence('fail')).toBe(true);
    expect(JSON.stringify(results)).not.toContain(canary);
    if (process.getuid?.() === 0) {
      // The control: this rule's evidence is the PATH the scan commands ran with.
      const path = results.find((r) => r.rule_id === 'root_path_no_dot');
      expect(path?.evidence).toEqual([
        expect.objectContaining({ source: 'printenv PATH', observed: expect.stringContaining('/usr/bin') }),
      ]);
    }

    // A restart registers nothing new and prints no link: an administrator exists, the machine is known.
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(0);
    running = startDevServe(cwd, env);
    await waitFor(
      async () => (running?.output().includes('listening on') ? true : undefined),
      90_000,
      'restart',
    );
    expect(running.stdout()).not.toContain('First-run setup');
    const again = await get<{ items: HostItem[] }>('/api/v1/hosts');
    expect(again.items.map((h) => h.id)).toEqual([hostId]);
    expect((await get<{ items: unknown[] }>(`/api/v1/scans?host_id=${hostId}`)).items).toHaveLength(1);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  }, 240_000);
});
