import { appendAuditEvents, type AuditActor } from '../audit/append.ts';
import {
  insertHostKey,
  lockHostKeyPolicy,
  pinnedHostKey,
  hostKeyByFingerprint,
  setHostKeyStatus,
} from '../db/sql/host-keys.ts';
import type { Db, Queryable } from '../db/types.ts';
import { emitEvents } from '../events/emit.ts';
import { links } from '../events/kinds.ts';

export const SYSTEM_ACTOR: AuditActor = { id: null, name: 'system' };

export interface OfferedHostKey {
  keyType: string;
  /** `SHA256:<base64>` as OpenSSH prints it. */
  fingerprint: string;
}

export type HostKeyDecision =
  /** The offered key is the pinned one. */
  | { action: 'accept' }
  /** Nothing is pinned and the policy trusts the first key: pin it and go on. */
  | { action: 'pin_first_use' }
  /** Refuse: run nothing. `pinned` is absent when the policy requires a pinned key and none is. */
  | { action: 'mismatch'; pinned?: string };

/** The pure rule: host policy × pinned key × offered key. */
export function decideHostKeyTrust(
  policy: 'pinned' | 'tofu',
  pinned: { fingerprint: string } | undefined,
  offered: OfferedHostKey,
): HostKeyDecision {
  if (pinned)
    return pinned.fingerprint === offered.fingerprint
      ? { action: 'accept' }
      : { action: 'mismatch', pinned: pinned.fingerprint };
  return policy === 'tofu' ? { action: 'pin_first_use' } : { action: 'mismatch' };
}

/**
 * What the runner calls with the key a host offered, before authenticating. Decides, and records the
 * outcome in one transaction (the host row locked, so two first connections pin one key): a first-use
 * key is pinned (`host_key.pinned`), a mismatching one is kept as `pending` for an operator to approve
 * or reject, with a `host_key.mismatch` event. Undefined when the host does not exist.
 */
export async function checkHostKey(
  db: Db,
  hostId: string,
  offered: OfferedHostKey,
): Promise<HostKeyDecision | undefined> {
  return db.transaction(async (tx) => {
    const policy = await lockHostKeyPolicy(tx, hostId);
    if (policy === undefined) return undefined;
    const decision = decideHostKeyTrust(policy, await pinnedHostKey(tx, hostId), offered);
    if (decision.action === 'accept') return decision;
    const target = { type: 'host', id: hostId };
    if (decision.action === 'pin_first_use') {
      // A key once rejected is not trusted on first use again.
      const known = await hostKeyByFingerprint(tx, hostId, offered.fingerprint);
      if (known?.status === 'rejected') return recordMismatch(tx, hostId, offered, { action: 'mismatch' });
      if (known) await setHostKeyStatus(tx, known.id, 'pinned', null);
      else await insertHostKey(tx, { ...offered, hostId, status: 'pinned', decidedBy: null });
      await appendAuditEvents(tx, [
        {
          code: 'host_key.pinned',
          actor: SYSTEM_ACTOR,
          target,
          details: { ...offered, source: 'first_use' },
        },
      ]);
      return decision;
    }
    return recordMismatch(tx, hostId, offered, decision);
  });
}

async function recordMismatch(
  tx: Queryable,
  hostId: string,
  offered: OfferedHostKey,
  decision: Extract<HostKeyDecision, { action: 'mismatch' }>,
): Promise<HostKeyDecision> {
  const pending = await insertHostKey(tx, { ...offered, hostId, status: 'pending', decidedBy: null });
  await appendAuditEvents(tx, [
    {
      code: 'host_key.mismatch',
      actor: SYSTEM_ACTOR,
      target: { type: 'host', id: hostId },
      details: {
        offered: offered.fingerprint,
        key_type: offered.keyType,
        pinned: decision.pinned ?? null,
        recorded: pending ? 'pending' : 'already known',
      },
    },
  ]);
  await emitEvents(tx, [
    {
      kind: 'host_key.changed',
      hostId,
      severity: 'high',
      link: links.host(hostId),
      data: { offered: offered.fingerprint, key_type: offered.keyType, pinned: decision.pinned ?? null },
    },
  ]);
  return decision;
}
