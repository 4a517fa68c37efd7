import type { Queryable } from '../../core/db/types.ts';
import type { RuleResult, Severity, Status } from '../../engine/types.ts';

/** A minimal host row (the fleet module owns hosts; results only need the id). */
export async function seedHost(db: Queryable, hostname: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `insert into hosts (hostname, address) values ($1, '192.0.2.1') returning id::text as id`,
    [hostname],
  );
  const id = rows[0]?.id;
  if (!id) throw new Error('host insert returned nothing');
  return id;
}

export async function newScan(db: Queryable, hostId: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `insert into scans (host_id, source, status) values ($1, 'api', 'running') returning id::text as id`,
    [hostId],
  );
  const id = rows[0]?.id;
  if (!id) throw new Error('scan insert returned nothing');
  return id;
}

const SEVERITIES: Severity[] = ['low', 'medium', 'high', 'critical'];

export function result(ruleId: string, status: Status, observed = 'x', severity?: Severity): RuleResult {
  return {
    rule_id: ruleId,
    title: `Title of ${ruleId}`,
    severity: severity ?? SEVERITIES[ruleId.length % 4] ?? 'low',
    status,
    ...(status === 'not_applicable' ? { reason: 'platform' } : {}),
    references: {},
    evidence: [{ source: `/etc/${ruleId}`, observed, expected: 'y' }],
  };
}

/**
 * `n` results rule_0000…, every fourth failing; `changed` flips the verdict of the first `changed` rules;
 * `salt` makes the evidence distinct from other hosts' (so a first write also writes new evidence).
 */
export function bulkResults(n: number, changed = 0, salt = ''): RuleResult[] {
  return Array.from({ length: n }, (_, i) => {
    const base: Status = i % 4 === 0 ? 'fail' : 'pass';
    const status: Status = i < changed ? (base === 'pass' ? 'fail' : 'pass') : base;
    return result(
      `rule_${String(i).padStart(4, '0')}`,
      status,
      status === 'pass' ? `ok${salt}` : `bad ${i}${salt}`,
    );
  });
}

/** Every row of the result tables, for before/after comparisons. */
export async function snapshotTables(db: Queryable): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [t, order] of [
    ['scans', 'id'],
    ['evidence', 'hash'],
    ['scan_results', 'scan_id, rule_id'],
    ['host_rule_state', 'host_id, rule_id'],
    ['transactions', 'id'],
  ] as const) {
    const { rows } = await db.query(`select * from ${t} order by ${order}`);
    out[t] = rows;
  }
  return out;
}
