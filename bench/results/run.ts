/**
 * `npm run bench -- results [runs]`: the time `applyScanResults` takes to write 1,000 rule results for one
 * host, on a real PostgreSQL (OPENWATCH_TEST_DATABASE_URL, else postgres@127.0.0.1:5432). The bench
 * creates its own database, migrates it and drops it at the end. Three cases, each the median of
 * `runs` timings after two warm-ups, each run on a new host: the first write for a host (every verdict
 * and every evidence body new: 1,000 transactions, 1,000 evidence rows), an unchanged re-scan (no new
 * evidence, no transactions) and a re-scan with 10% of the verdicts (and their evidence) changed. The
 * time is applyScanResults' wall time from Node: hashing, the transaction and its six statements.
 */
import { poolDb } from '../../core/db/node-pool.ts';
import type { Db } from '../../core/db/types.ts';
import { benchDatabase, BENCH_ADMIN_URL } from '../db.ts';
import { applyScanResults } from '../../core/results/apply.ts';
import type { RuleResult } from '../../engine/types.ts';
import { bulkResults } from '../../test/results/fixtures.ts';

const RULES = 1000;
const runs = Number(process.argv[2] ?? 15);
async function one(sql: Db, q: string, p: unknown[]): Promise<string> {
  const { rows } = await sql.query<{ id: string }>(q, p);
  const id = rows[0]?.id;
  if (!id) throw new Error('insert returned nothing');
  return id;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const bench = await benchDatabase();
const db = poolDb(bench.dsn, { max: 2, applicationName: 'openwatch-bench' });
try {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  let n = 0;
  const newHost = () =>
    one(db, `insert into hosts (hostname, address) values ($1, '192.0.2.1') returning id::text as id`, [
      `bench-${n++}`,
    ]);
  const apply = async (host: string, results: RuleResult[]): Promise<number> => {
    const scan = await one(
      db,
      `insert into scans (host_id, source, status) values ($1, 'api', 'running') returning id::text as id`,
      [host],
    );
    clock += 60_000;
    const start = performance.now();
    await applyScanResults(db, {
      scanId: scan,
      hostId: host,
      report: { results },
      completedAt: new Date(clock),
    });
    return performance.now() - start;
  };
  const cases: Record<string, number[]> = { first: [], unchanged: [], changed: [] };
  for (let i = 0; i < runs + 2; i++) {
    const host = await newHost();
    const base = bulkResults(RULES, 0, host);
    const changed = bulkResults(RULES, RULES / 10, host);
    const first = await apply(host, base);
    const unchanged = await apply(host, base);
    const tenPct = await apply(host, changed);
    if (i < 2) continue;
    cases.first?.push(first);
    cases.unchanged?.push(unchanged);
    cases.changed?.push(tenPct);
  }
  console.log(
    `applyScanResults, ${RULES} results for one host, median of ${runs} after 2 warm-ups (${BENCH_ADMIN_URL.replace(/\/\/[^@]*@/, '//')})`,
  );
  console.log('| case | median (ms) | min | max |');
  console.log('|---|---|---|---|');
  for (const [label, xs] of Object.entries(cases))
    console.log(
      `| ${label} | ${median(xs).toFixed(1)} | ${Math.min(...xs).toFixed(1)} | ${Math.max(...xs).toFixed(1)} |`,
    );
} finally {
  await db.close();
  await bench.drop();
}
