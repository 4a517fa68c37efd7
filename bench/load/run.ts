/**
 * `npm run bench -- load [rate] [seconds] [filter]`: the API on the Node runtime under load. Seeds a fresh
 * database with 10,000 hosts, each with a completed scan, and 1,000,000 rule states (100 rules per host
 * from the bundled catalog), starts the
 * real `openwatch serve --no-runner` (HTTPS, production mode) as a child process, and drives each endpoint
 * open-loop at `rate` requests/s (default 500) for `seconds` (default 20) after a 3 s warm-up, over 32
 * keep-alive connections. Prints p50/p90/p99/max latency, errors and the achieved rate per endpoint
 * (only the endpoints whose path matches the regular expression `filter`, when given). The seed writes host_rule_state directly,
 * then rebuilds the posture summaries from it as migration 0015 does.
 * Open-loop: requests leave on schedule whether or not earlier ones have answered, so a slow server shows
 * up as latency instead of being hidden by a client that waits (coordinated omission).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { poolDb } from '../../core/db/node-pool.ts';
import { rebuildPostureSummary } from '../../core/db/sql/posture-summary.ts';
import { listHosts, type HostListQuery } from '../../core/db/sql/host-list.ts';
import { createLogger } from '../../core/log.ts';
import { syncBundledRuleCatalog } from '../../core/node/rule-catalog.ts';
import { ensureDevSecrets } from '../../core/node/dev-secrets.ts';
import { BIN, cleanEnv, ROOT } from '../../test/helpers/cli.ts';
import { seedUser, STRONG } from '../../test/helpers/auth.ts';
import { benchDatabase } from '../db.ts';

const RATE = Number(process.argv[2] ?? 500);
const SECONDS = Number(process.argv[3] ?? 20);
const FILTER = process.argv[4] ?? '';
const WARMUP_SECONDS = 3;
const HOSTS = 10_000;
const RULES_PER_HOST = 100;
const ENDPOINTS = [
  '/api/v1/hosts?limit=50',
  '/api/v1/hosts?limit=50&q=host-99',
  '/api/v1/hosts?limit=50&sort=score&order=asc',
  '/api/v1/hosts?limit=50&sort=last_scan&order=desc&posture=poor',
  '/api/v1/posture',
  '/api/v1/posture/top-failing',
  '/api/v1/posture?framework=cis',
  '/api/v1/fleet/summary',
].filter((p) => new RegExp(FILTER).test(p));

const quiet = createLogger({ level: 'error', format: 'json', write: () => undefined });
const bench = await benchDatabase();
const db = poolDb(bench.dsn, { max: 4 });

async function seed(): Promise<void> {
  await syncBundledRuleCatalog(db, quiet);
  await db.query(
    `insert into hosts (hostname, address)
     select 'host-' || g, '10.' || (g / 65536) || '.' || (g / 256 % 256) || '.' || (g % 256)
       from generate_series(1, $1::int) g`,
    [HOSTS],
  );
  await db.query(`insert into evidence (hash, body) values ('bench', '{}')`);
  await db.query(
    `insert into host_rule_state (host_id, rule_id, status, severity, evidence_hash, last_scan_id,
                                  last_checked_at, status_since)
     select h.id, r.rule_id, case when random() < 0.7 then 'pass' else 'fail' end, 'medium', 'bench',
            gen_random_uuid(), now(), now()
       from hosts h cross join (select rule_id from rule_catalog order by rule_id limit $1) r`,
    [RULES_PER_HOST],
  );
  await db.transaction((tx) => rebuildPostureSummary(tx));
  // Completing a scan is what sets a host's score and last scan time (migration 0014's trigger).
  await db.query(
    `insert into scans (host_id, source, status, started_at, finished_at)
     select id, 'schedule', 'completed', now() - interval '1 day', now() - random() * interval '30 days'
       from hosts`,
  );
  await db.query('analyze');
}

/**
 * The host list's statement alone (no HTTP, no auth), 200 times per variant, alternating the first page
 * and the page after it: what the database costs, apart from a saturated server's queueing.
 */
async function hostListStatements(): Promise<void> {
  const variants: Array<[string, Omit<HostListQuery, 'limit'>]> = [
    ['name (default)', {}],
    ['q=host-99', { q: 'host-99' }],
    ['sort=score asc', { sort: 'score' }],
    ['sort=last_scan desc, posture=poor', { sort: 'last_scan', order: 'desc', posture: 'poor' }],
    ['sort=liveness desc', { sort: 'liveness', order: 'desc' }],
  ];
  console.log('host list statement, 51 rows, 200 runs; ms');
  console.log('| variant | p50 | p99 |');
  console.log('|---|---|---|');
  for (const [name, f] of variants) {
    const ms: number[] = [];
    const first = await listHosts(db, { ...f, limit: 51 });
    const last = first.at(-2);
    const after = last && { key: last.sort_key, name: last.hostname.toLowerCase(), id: last.id };
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await listHosts(db, { ...f, limit: 51, ...(i % 2 && after ? { after } : {}) });
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    console.log(`| ${name} | ${percentile(ms, 50).toFixed(1)} | ${percentile(ms, 99).toFixed(1)} |`);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function drive(base: string, path: string, token: string, agent: Agent, seconds: number) {
  const latencies: number[] = [];
  let errors = 0;
  const pending: Promise<void>[] = [];
  const total = Math.round(RATE * seconds);
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const sent = performance.now();
    pending.push(
      request(`${base}${path}`, { dispatcher: agent, headers: { authorization: `Bearer ${token}` } })
        .then(async (res) => {
          await res.body.arrayBuffer();
          if (res.statusCode !== 200) errors += 1;
          // Measured from when the request was due, not when it left: the client's lateness counts too.
          latencies.push(performance.now() - Math.min(sent, due));
        })
        .catch(() => {
          errors += 1;
        }),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { latencies, errors, achieved: total / elapsed };
}

/** `openwatch serve --no-runner` in production mode on a free port; resolves once it listens. */
async function startServe(dsn: string, dir: string): Promise<{ base: string; child: ChildProcess }> {
  const secrets = await ensureDevSecrets(dir);
  const port = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(a && typeof a === 'object' ? a.port : 0));
    });
  });
  const child = spawn(process.execPath, [BIN, 'serve', '--no-runner'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...cleanEnv(),
      OPENWATCH_DATABASE_DSN: dsn,
      OPENWATCH_SERVER_LISTEN: `127.0.0.1:${port}`,
      OPENWATCH_SERVER_TLS_CERT: secrets.tlsCert,
      OPENWATCH_SERVER_TLS_KEY: secrets.tlsKey,
      OPENWATCH_IDENTITY_JWT_PRIVATE_KEY: secrets.jwtPrivateKey,
      OPENWATCH_IDENTITY_CREDENTIAL_KEY_FILE: secrets.credentialKeyFile,
      OPENWATCH_AUDIT_HEAD_FILE: join(dir, 'audit-head.json'),
      OPENWATCH_LOGGING_LEVEL: 'warn',
    },
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const seen = (d: Buffer) => {
      out += d.toString();
      if (out.includes('listening on')) resolve();
    };
    child.stdout?.on('data', seen);
    child.stderr?.on('data', seen);
    child.once('exit', () => reject(new Error(`serve exited: ${out}`)));
  });
  return { base: `https://127.0.0.1:${port}`, child };
}

const dir = mkdtempSync(join(tmpdir(), 'ow-load-'));
let serve: { base: string; child: ChildProcess } | undefined;
try {
  let t0 = performance.now();
  await seed();
  const { rows } = await db.query<{ n: string }>('select count(*) as n from host_rule_state');
  console.log(
    `seeded ${HOSTS} hosts and ${rows[0]?.n} rule states in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  if (ENDPOINTS.some((p) => p.startsWith('/api/v1/hosts'))) await hostListStatements();
  await seedUser(db, 'bench', ['admin']);
  serve = await startServe(bench.dsn, dir);
  const agent = new Agent({ connections: 32, connect: { rejectUnauthorized: false } });
  const login = await request(`${serve.base}/api/v1/auth/login`, {
    dispatcher: agent,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench', password: STRONG }),
  });
  const { access_token: token } = (await login.body.json()) as { access_token: string };
  console.log(`rate ${RATE}/s for ${SECONDS} s per endpoint after ${WARMUP_SECONDS} s warm-up; ms`);
  console.log('| endpoint | p50 | p90 | p99 | max | errors | achieved req/s |');
  console.log('|---|---|---|---|---|---|---|');
  for (const path of ENDPOINTS) {
    await drive(serve.base, path, token, agent, WARMUP_SECONDS);
    t0 = performance.now();
    const r = await drive(serve.base, path, token, agent, SECONDS);
    const f = (p: number) => percentile(r.latencies, p).toFixed(1);
    console.log(
      `| GET ${path} | ${f(50)} | ${f(90)} | ${f(99)} | ${f(100)} | ${r.errors} | ${r.achieved.toFixed(0)} |`,
    );
  }
  await agent.close();
} finally {
  serve?.child.kill('SIGTERM');
  if (serve) await new Promise((r) => serve?.child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
  await db.close();
  await bench.drop();
}
