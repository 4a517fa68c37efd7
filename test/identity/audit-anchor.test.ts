import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS, audit } from '../../core/audit/append.ts';
import {
  compareWithCheckpoint,
  deriveCheckpointKey,
  type AuditCheckpoint,
} from '../../core/audit/checkpoint.ts';
import type { JobKey } from '../../core/crypto/job-signing.ts';
import { auditHeadAnchor, readAuditHead } from '../../core/node/audit-head.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { tempDir } from '../helpers/tmp.ts';

/** What a database superuser can do behind the append-only trigger: delete the newest rows. */
async function removeTail(t: TestDatabase, fromId: number): Promise<void> {
  await t.db.query('alter table audit_events disable trigger audit_events_no_update_delete');
  await t.db.query('delete from audit_events where id >= $1', [fromId]);
  await t.db.query('alter table audit_events enable trigger audit_events_no_update_delete');
}

describe('audit head anchoring', () => {
  let t: TestDatabase;
  let dir: string;
  let keyFile: string;
  let key: JobKey;

  beforeAll(async () => {
    t = await createTestDatabase();
    dir = tempDir('ow-audit-head');
    const raw = randomBytes(32);
    keyFile = join(dir, 'credential.key');
    writeFileSync(keyFile, raw.toString('base64'), { mode: 0o600 });
    key = await deriveCheckpointKey(new Uint8Array(raw));
  });
  afterAll(async () => t.drop());

  const events = (n: number) =>
    Promise.all(
      Array.from({ length: n }, (_, i) =>
        audit(t.db, { code: 'config.changed', actor: ANONYMOUS, details: { i } }),
      ),
    );

  it('detects a removed tail, names the missing events, and never moves the anchor backwards', async () => {
    const headFile = join(dir, 'head.json');
    const anchor = auditHeadAnchor(headFile, async () => key);
    await events(6);
    expect(await anchor(t.db)).toEqual({ ok: true });
    const anchored = readAuditHead(headFile);
    expect(anchored?.id).toBe(6);
    expect(await compareWithCheckpoint(t.db, key, anchored as AuditCheckpoint)).toEqual({ ok: true });

    await removeTail(t, 5);
    expect(await compareWithCheckpoint(t.db, key, anchored as AuditCheckpoint)).toEqual({
      ok: false,
      reason: 'tail_removed',
      missingFrom: 5,
      missingTo: 6,
    });
    // A new event takes id 5 again; the anchored event 6 is still missing, and the anchor stays put.
    await events(1);
    const fresh = auditHeadAnchor(headFile, async () => key);
    expect(await fresh(t.db)).toEqual({ ok: false, reason: 'tail_removed', missingFrom: 6, missingTo: 6 });
    expect(readAuditHead(headFile)).toEqual(anchored);

    const env = {
      OPENWATCH_DATABASE_DSN: t.dsn,
      OPENWATCH_IDENTITY_CREDENTIAL_KEY_FILE: keyFile,
      OPENWATCH_AUDIT_HEAD_FILE: headFile,
    };
    const res = await runCli(['audit', 'verify'], { env });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('audit chain intact: 5 events verified');
    expect(res.stdout).toContain('audit head BROKEN: events 6–6 are missing');
  });

  it('refuses a forged checkpoint and verifies an exported one', async () => {
    const env = { OPENWATCH_DATABASE_DSN: t.dsn, OPENWATCH_IDENTITY_CREDENTIAL_KEY_FILE: keyFile };
    const exported = await runCli(['audit', 'checkpoint'], { env });
    expect(exported.code).toBe(0);
    const file = join(dir, 'exported.json');
    writeFileSync(file, exported.stdout);
    expect((await runCli(['audit', 'verify', '--head', file], { env })).code).toBe(0);

    const cp = JSON.parse(readFileSync(file, 'utf8')) as AuditCheckpoint;
    writeFileSync(file, JSON.stringify({ ...cp, id: cp.id - 1 }));
    const forged = await runCli(['audit', 'verify', '--head', file], { env });
    expect(forged.code).toBe(1);
    expect(forged.stdout).toContain('forged or corrupted');
  });
});
