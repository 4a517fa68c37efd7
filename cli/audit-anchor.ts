import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { deriveCheckpointKey, describeVerdict } from '../core/audit/checkpoint.ts';
import type { Config } from '../core/config/schema.ts';
import type { Db } from '../core/db/types.ts';
import { DatabaseUnavailable } from '../core/db/unavailable.ts';
import type { Logger } from '../core/log.ts';
import { auditHeadAnchor, readAuditHead } from '../core/node/audit-head.ts';
import { loadCredentialKey } from '../core/node/keys.ts';

/** How stale the anchored head may be: a tail removed within this window of its writing goes unseen. */
export const AUDIT_ANCHOR_INTERVAL_MS = 5_000;

export function auditHeadFile(config: Config): string {
  return config.audit.head_file ?? join(config.database.data_dir, 'audit-head.json');
}

export function checkpointKeyFrom(credentialKeyFile: string) {
  return deriveCheckpointKey(new Uint8Array(loadCredentialKey(credentialKeyFile)));
}

/**
 * Anchors the audit head every few seconds and once more at shutdown. Returns the stop function. A
 * database outage only postpones the anchor; a head the database no longer holds is logged as an error
 * every time (the file is kept as the evidence).
 */
export function startAuditAnchor(file: string, credentialKeyFile: string, db: Db, log: Logger) {
  let key: ReturnType<typeof checkpointKeyFrom> | undefined;
  const anchor = auditHeadAnchor(file, () => (key ??= checkpointKeyFrom(credentialKeyFile)));
  const once = async () => {
    try {
      const verdict = await anchor(db);
      if (!verdict.ok) {
        const anchored = readAuditHead(file);
        if (anchored)
          log.error('audit log tampered with', {
            head_file: file,
            problem: describeVerdict(verdict, anchored),
          });
      }
    } catch (err) {
      if (err instanceof DatabaseUnavailable) return;
      log.error('anchoring the audit head failed', { head_file: file, err });
    }
  };
  void once();
  const timer = setInterval(() => void once(), AUDIT_ANCHOR_INTERVAL_MS);
  return async () => {
    clearInterval(timer);
    await once();
  };
}

/**
 * A restore puts back an older audit chain, so the anchored head (written by serve after the backup) is
 * ahead of it and `audit verify` would report the newer events as missing, which after a restore they
 * are, on purpose. The anchor file is kept beside itself as the evidence of how far the chain had gone;
 * serve anchors the restored chain at its next start. Returns what the restore's audit event records.
 */
export function setAsideAnchorForRestore(
  file: string,
  now = new Date(),
): { previous_anchor_id: number; previous_anchor_time: string; kept_at: string } | undefined {
  if (!existsSync(file)) return undefined;
  const anchored = readAuditHead(file);
  const keptAt = `${file}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
  renameSync(file, keptAt);
  return anchored
    ? { previous_anchor_id: anchored.id, previous_anchor_time: anchored.time, kept_at: keptAt }
    : undefined;
}
