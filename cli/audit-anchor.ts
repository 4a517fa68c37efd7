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
