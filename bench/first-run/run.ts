/**
 * `npm run bench -- first-run [runs]`: the first minute of a new user, timed from outside.
 *
 * 1. Fresh `openwatch serve` in development mode (a new empty directory each run, so initdb, migrations
 *    and the rule catalog load are all in the figure): time to the setup link, then the setup API and
 *    sign-in, then time until GET /api/v1/posture counts this machine's completed scan.
 * 2. The local scan itself through the engine (LocalTransport, whole corpus) with the filesystem walk
 *    skipped and inline, which is why the first scan skips it.
 * Medians of `runs` (default 3). Nothing here is asserted; figures go to bench/RESULTS.md by hand.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLED_RULES_DIR } from '../../core/node/paths.ts';
import { LocalTransport, loadRules, scanHost, type TraversalMode } from '../../engine/index.ts';
import { firstAdminByLink, scoredPosture, startDevServe } from '../../test/helpers/first-run.ts';
import { freePort } from '../../test/helpers/net.ts';

const runs = Number(process.argv[2] ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function oneStart(): Promise<{ link: number; scored: number; scanMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'ow-bench-first-run-'));
  chmodSync(dir, 0o755);
  const apiPort = await freePort();
  const started = Date.now();
  const serve = startDevServe(dir, {
    OPENWATCH_SERVER_LISTEN: `127.0.0.1:${apiPort}`,
    OPENWATCH_DATABASE_EMBEDDED_PORT: String(await freePort()),
  });
  try {
    const { get } = await firstAdminByLink(
      serve,
      apiPort,
      { username: 'bench', password: 'amber-lantern-over-the-quiet-firth-12' },
      120_000,
    );
    const link = Date.now() - started;
    const hosts = await get<{ items: { id: string }[] }>('/api/v1/hosts');
    const hostId = hosts.items[0]?.id ?? '';
    await scoredPosture(get, hostId, 120_000, 'a scored posture');
    const scored = Date.now() - started;
    const scans = await get<{ items: { started_at: string; finished_at: string }[] }>(
      `/api/v1/scans?host_id=${hostId}`,
    );
    const scan = scans.items[0];
    const scanMs = scan ? Date.parse(scan.finished_at) - Date.parse(scan.started_at) : NaN;
    return { link, scored, scanMs };
  } finally {
    serve.child.kill('SIGINT');
    await serve.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

const starts = [];
for (let i = 0; i < runs; i++) {
  const r = await oneStart();
  process.stdout.write(
    `start ${i + 1}: link ${s(r.link)}, scored posture ${s(r.scored)}, scan ${s(r.scanMs)}\n`,
  );
  starts.push(r);
}
process.stdout.write(
  `fresh dev start, median of ${runs}: link ${s(median(starts.map((r) => r.link)))}, ` +
    `scored posture ${s(median(starts.map((r) => r.scored)))}, scan row ${s(median(starts.map((r) => r.scanMs)))}\n`,
);

const { rules } = await loadRules([BUNDLED_RULES_DIR]);
for (const traversal of ['skip', 'inline'] as TraversalMode[]) {
  const walls: number[] = [];
  const walks: number[] = [];
  for (let i = 0; i < runs; i++) {
    const report = await scanHost({ transport: new LocalTransport(), rules, traversal, timeoutMs: 300_000 });
    walls.push(report.timing.duration_ms);
    walks.push(report.timing.traversal_ms);
  }
  process.stdout.write(
    `local scan, ${rules.length} rules, traversal ${traversal}, median of ${runs}: ${s(median(walls))} ` +
      `(walk ${s(median(walks))})\n`,
  );
}
