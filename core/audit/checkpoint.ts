import { z } from 'zod';
import { constantTimeEqualText, toHex, utf8 } from '../crypto/bytes.ts';
import { deriveHmacKey, type JobKey } from '../crypto/job-signing.ts';
import { auditLink, lastAuditLink } from '../db/sql/audit.ts';
import type { Queryable } from '../db/types.ts';

/**
 * A signed statement of the audit chain's head: "event `id` existed with hash `hash` at `time`". Kept
 * outside the database (a file on the server, or exported by the operator), it lets `audit verify` see a
 * removed tail, which the chain alone cannot: deleting the newest rows leaves a shorter chain that is
 * still internally consistent. The MAC key is derived from the credential key, which the database does
 * not hold, so someone with only database access can neither forge a checkpoint nor silently move it.
 */
export const checkpointSchema = z
  .object({
    version: z.literal(1),
    id: z.number().int().min(0),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    time: z.string(),
    mac: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type AuditCheckpoint = z.infer<typeof checkpointSchema>;

export function deriveCheckpointKey(credentialKey: Uint8Array): Promise<JobKey> {
  return deriveHmacKey(credentialKey, 'openwatch audit-checkpoint v1');
}

async function mac(key: JobKey, c: Omit<AuditCheckpoint, 'mac'>): Promise<string> {
  const text = `${c.version}\n${c.id}\n${c.hash}\n${c.time}`;
  return toHex(new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(text))));
}

/** The chain's current head, signed; undefined while the log is empty. */
export async function currentCheckpoint(q: Queryable, key: JobKey): Promise<AuditCheckpoint | undefined> {
  const head = await lastAuditLink(q);
  if (!head) return undefined;
  const body = { version: 1 as const, id: head.id, hash: head.hash, time: new Date().toISOString() };
  return { ...body, mac: await mac(key, body) };
}

export type CheckpointVerdict =
  | { ok: true }
  | { ok: false; reason: 'forged' }
  | { ok: false; reason: 'tail_removed'; missingFrom: number; missingTo: number }
  | { ok: false; reason: 'rewritten'; id: number };

/** Whether the database still holds the anchored head: the same event id with the same hash. */
export async function compareWithCheckpoint(
  q: Queryable,
  key: JobKey,
  cp: AuditCheckpoint,
): Promise<CheckpointVerdict> {
  const { mac: given, ...body } = cp;
  if (!constantTimeEqualText(await mac(key, body), given)) return { ok: false, reason: 'forged' };
  const row = await auditLink(q, cp.id);
  if (row) return row.hash === cp.hash ? { ok: true } : { ok: false, reason: 'rewritten', id: cp.id };
  const last = (await lastAuditLink(q))?.id ?? 0;
  return { ok: false, reason: 'tail_removed', missingFrom: last + 1, missingTo: cp.id };
}

/** One sentence for the operator. */
export function describeVerdict(v: CheckpointVerdict, cp: AuditCheckpoint): string {
  if (v.ok) return `matches the anchored head (event ${cp.id}, anchored ${cp.time})`;
  if (v.reason === 'forged')
    return 'the head anchor does not verify with this credential key (forged or corrupted)';
  if (v.reason === 'rewritten')
    return `event ${v.id} no longer has the hash anchored at ${cp.time} (the chain was rewritten from there)`;
  return (
    `events ${v.missingFrom}–${v.missingTo} are missing: the head anchored at ${cp.time} is event ${cp.id}, ` +
    `the newest event in the database is ${v.missingFrom - 1} (the tail was removed)`
  );
}
